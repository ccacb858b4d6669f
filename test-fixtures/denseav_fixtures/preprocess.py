"""Preprocessing goldens for the Java `data` module (entry point: ../generate_preprocess.py).

Everything is computed by the reference libraries themselves: PIL 9.4 + torchvision 0.14
(image decode, Resize(224) on PIL images, CenterCrop, ToTensor, Normalize), torchaudio 0.13
(`functional.resample`, its sinc kernel, `load`), numpy (the Wav2Vec2FeatureExtractor
zero-mean/unit-variance code, copied from transformers) and the ffmpeg CLI (lossy/container
decodes). Sources are synthesised from seeds, so the script rewrites identical bytes.
"""

import hashlib
import json
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import torch
import torchaudio
import torchaudio.functional as AF
import torchvision
import torchvision.transforms as T
import torchvision.transforms.functional as TF
from PIL import Image

OUT = Path(__file__).resolve().parent.parent / "src" / "main" / "resources" / "fixtures" / "preprocess"
LOAD_SIZE, PATCH, TARGET_RATE, DENSEAV_SAMPLES = 224, 8, 16000, 164200
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def sha256(a):
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def rel(p):
    return p.relative_to(OUT).as_posix()


def save_npy(path, a):
    np.save(path, np.ascontiguousarray(a, dtype=np.float32))
    return rel(path)


def lut_apply(lut, hwc):
    return np.stack([lut[c][hwc[..., c]] for c in range(3)])


# ---------------------------------------------------------------- images

def scene(h, w, seed):
    """A deterministic photo-like RGB picture: sky gradient, sun, hills, fine stripes,
    a 1-px checkerboard (aliasing bait for the antialiased resize) and a noisy patch."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.stack([90 + 120 * yy / h, 140 + 60 * yy / h, 230 - 80 * yy / h], -1)
    cy, cx, r = rng.uniform(0.15, 0.35) * h, rng.uniform(0.2, 0.8) * w, 0.12 * min(h, w)
    img[np.hypot(yy - cy, xx - cx) < r] = [255, 221, 90]
    horizon = h * (0.6 + 0.08 * np.sin(xx / w * 2 * np.pi * rng.uniform(1, 3) + rng.uniform(0, 6)))
    grass = np.stack([60 + 40 * np.sin(xx / 7.0), 130 + 30 * np.cos(yy / 5.0), 50 + 20 * np.sin((xx + yy) / 3.0)], -1)
    img = np.where((yy > horizon)[..., None], grass, img)
    y0, x0 = int(0.7 * h), int(0.1 * w)
    img[y0:y0 + h // 8, x0:x0 + w // 5] = ((xx + yy) % 2 * 255)[y0:y0 + h // 8, x0:x0 + w // 5, None]
    img[int(0.05 * h):int(0.2 * h), int(0.6 * w):int(0.9 * w), 1] = 200 * (xx[int(0.05 * h):int(0.2 * h), int(0.6 * w):int(0.9 * w)] // 2 % 2)
    n = max(4, min(h, w) // 6)
    img[h - n:, w - n:] += rng.normal(0, 25, (n, n, 3))
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def image_sources(d):
    """(file, PIL save kwargs) for every decode case: RGB/RGBA/L/LA/P PNGs, RGB and gray JPEGs, a BMP."""
    s = scene
    rgba = np.dstack([s(200, 300, 3), np.tile(np.linspace(0, 255, 300).astype(np.uint8), (200, 1))])
    pal = Image.fromarray(s(48, 64, 5)).quantize(colors=32, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    pal.info["transparency"] = 0
    cases = [
        ("scene_320x240.png", Image.fromarray(s(240, 320, 1)), {}),
        ("portrait_150x200.jpg", Image.fromarray(s(200, 150, 2)), {"quality": 90}),
        ("alpha_300x200.png", Image.fromarray(rgba, "RGBA"), {}),
        ("gray_97x61.png", Image.fromarray(s(61, 97, 4)).convert("L"), {}),
        ("palette_64x48.png", pal, {"transparency": 0}),
        ("gray_alpha_33x20.png", Image.fromarray(np.dstack([s(20, 33, 6)[..., 0], s(20, 33, 7)[..., 1]]), "LA"), {}),
        ("bgr_40x32.bmp", Image.fromarray(s(32, 40, 8)), {}),
        ("big_520x470.png", Image.fromarray(s(470, 520, 9)), {}),
        ("gray_50x40.jpg", Image.fromarray(s(40, 50, 10)).convert("L"), {"quality": 85}),
    ]
    for name, im, kw in cases:
        im.save(d / name, **kw)
    return [d / c[0] for c in cases]


def normalize_lut():
    """ToTensor (uint8/255 in float32) then Normalize(ImageNet), as torchvision does it, for every byte."""
    v = torch.arange(256, dtype=torch.uint8).reshape(1, 1, 256).expand(3, 1, 256)
    lut = T.Normalize(MEAN, STD)(v.to(torch.float32).div(255)).reshape(3, 256)
    pil_row = Image.fromarray(np.repeat(np.arange(256, dtype=np.uint8)[None, :, None], 3, axis=2))
    assert torch.equal(T.Normalize(MEAN, STD)(T.ToTensor()(pil_row)).reshape(3, 256), lut)
    return lut.numpy()


def image_goldens(lut):
    d = OUT / "images"
    d.mkdir(parents=True)
    entries = []
    for path in image_sources(d):
        im = Image.open(path)
        rgb = im.convert("RGB")
        arr = np.asarray(rgb)
        h, w = arr.shape[:2]
        e = {"file": rel(path), "pil_mode": im.mode, "width": w, "height": h, "decoded_sha256": sha256(arr)}
        if path.suffix == ".jpg":  # ImageIO's libjpeg 6b may differ from libjpeg-turbo: keep PIL's pixels
            dec = d / (path.stem + ".decoded.png")
            Image.fromarray(arr).save(dec)
            e["decoded_png"] = rel(dec)
        resized = TF.resize(rgb, LOAD_SIZE)  # PIL path of torchvision 0.14 = Image.resize(BILINEAR)
        ra = np.asarray(resized)
        rh, rw = ra.shape[:2]
        assert np.array_equal(ra, np.asarray(rgb.resize((rw, rh), Image.BILINEAR)))
        gold = d / (path.stem + ".resize224.png")
        resized.save(gold)
        e["resize224"] = {"file": rel(gold), "width": rw, "height": rh}
        # evaluation path: Resize(224) + CenterCrop(224) + ToTensor + Normalize
        top, left = int(round((rh - LOAD_SIZE) / 2.0)), int(round((rw - LOAD_SIZE) / 2.0))  # torchvision 0.14
        ev = T.Compose([T.Resize(LOAD_SIZE), T.CenterCrop(LOAD_SIZE), T.ToTensor(), T.Normalize(MEAN, STD)])(rgb)
        assert torch.equal(ev, torch.from_numpy(lut_apply(lut, ra[top:top + LOAD_SIZE, left:left + LOAD_SIZE])))
        e["center_crop224"] = {"top": top, "left": left}
        # demo path (gradio_app): Resize(224), crop_to_divisor(8), /255, Normalize
        ch, cw = PATCH * (rh // PATCH), PATCH * (rw // PATCH)
        t = torch.from_numpy(ra.copy()).permute(2, 0, 1)[:, :ch, :cw]
        demo = T.Normalize(MEAN, STD)(t.to(torch.float32) / 255)
        assert torch.equal(demo, torch.from_numpy(lut_apply(lut, ra[:ch, :cw])))
        e["crop_to_divisor8"] = {"height": ch, "width": cw}
        e["divisible_by_8"] = h % PATCH == 0 and w % PATCH == 0
        e["notes"] = tensor_path_notes(arr, ra)
        entries.append(e)
    return entries


DIRECT_RESIZES = [  # Image.resize(BILINEAR) to odd sizes: one pass only, extreme down/up scaling, 1x1
    ("gray_97x61.png", 40, 61), ("gray_97x61.png", 97, 30), ("gray_97x61.png", 500, 13),
    ("big_520x470.png", 23, 19), ("scene_320x240.png", 321, 239), ("alpha_300x200.png", 1, 1),
]


def direct_resize_goldens():
    d = OUT / "images"
    entries = []
    for name, w, h in DIRECT_RESIZES:
        out = d / f"{Path(name).stem}.to{w}x{h}.png"
        Image.open(d / name).convert("RGB").resize((w, h), Image.BILINEAR).save(out)
        entries.append({"source": f"images/{name}", "width": w, "height": h, "golden": rel(out)})
    return entries


def tensor_path_notes(arr, pil_resized):
    """How far torchvision's *tensor* Resize (what gradio_app applies to uint8 video frames) is from PIL."""
    t = torch.from_numpy(arr.copy()).permute(2, 0, 1)
    notes = {}
    for aa in (False, True):
        r = TF.resize(t, LOAD_SIZE, antialias=aa).permute(1, 2, 0).numpy().astype(np.int32)
        diff = np.abs(r - pil_resized.astype(np.int32))
        notes[f"tensor_resize_antialias_{aa}_max_abs_diff"] = int(diff.max())
        notes[f"tensor_resize_antialias_{aa}_fraction_differing"] = round(float((diff > 0).mean()), 4)
    return notes


# ---------------------------------------------------------------- audio

def signal(rate, frames, channels, seed):
    """Tones (440 Hz, 0.35*rate), a chirp to 0.45*rate and a little noise; channel c != channel 0."""
    rng = np.random.default_rng(seed)
    t = np.arange(frames) / rate
    chirp = np.sin(2 * np.pi * (100 * t + 0.45 * rate * t * t / (2 * t[-1])))
    x0 = 0.4 * np.sin(2 * np.pi * 440 * t) + 0.2 * chirp + 0.1 * np.sin(2 * np.pi * 0.35 * rate * t)
    x0 += 0.05 * rng.standard_normal(frames)
    chans = [x0] + [-0.5 * x0 + 0.3 * np.sin(2 * np.pi * (700 + 300 * c) * t) for c in range(1, channels)]
    return np.clip(np.stack(chans, 1), -0.95, 0.95)


def riff(path, tag, channels, rate, bits, data, extensible=False, extra=b""):
    """A WAV file: fmt (PCM=1 / IEEE float=3, or WAVE_FORMAT_EXTENSIBLE with that subformat), extra chunks, data."""
    align = channels * bits // 8
    fmt = struct.pack("<HHIIHH", 0xFFFE if extensible else tag, channels, rate, rate * align, align, bits)
    if extensible:  # cbSize, valid bits, channel mask, subformat GUID
        fmt += struct.pack("<HHI", 22, bits, (1 << channels) - 1) + struct.pack("<H", tag) + \
            bytes.fromhex("000000001000800000aa00389b71")
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + extra
    body += b"data" + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)


def pcm(x, bits):
    """Quantise floats to little-endian PCM; returns (bytes, exact float32 decode of those bytes)."""
    if bits == 8:
        q = np.clip(np.round(x * 128) + 128, 0, 255).astype(np.uint8)
        return q.tobytes(), ((q.astype(np.float64) - 128) / 128).astype(np.float32)
    full = 2 ** (bits - 1)
    q = np.clip(np.round(x * full), -full, full - 1).astype(np.int64)
    raw = q.astype("<i4").tobytes() if bits != 16 else q.astype("<i2").tobytes()
    if bits == 24:
        raw = b"".join(raw[i:i + 3] for i in range(0, len(raw), 4))
    return raw, (q / full).astype(np.float32)


WAVS = [  # file, rate, frames, channels, kind, bits, extensible, odd LIST chunk
    ("u8_8000_mono.wav", 8000, 2000, 1, "pcm", 8, False, False),
    ("s16_44100_stereo.wav", 44100, 8820, 2, "pcm", 16, False, False),
    ("s24_22050_stereo.wav", 22050, 4410, 2, "pcm", 24, False, False),
    ("s32_16000_mono.wav", 16000, 3200, 1, "pcm", 32, False, False),
    ("f32_48000_mono.wav", 48000, 9600, 1, "float", 32, False, False),
    ("f64_8000_mono.wav", 8000, 400, 1, "float", 64, False, False),
    ("s24_ext_16000_3ch.wav", 16000, 800, 3, "pcm", 24, True, False),
    ("s16_11025_mono_list.wav", 11025, 1103, 1, "pcm", 16, False, True),
]


def wav_goldens():
    d = OUT / "audio"
    d.mkdir(parents=True)
    entries, decoded = [], {}
    for i, (name, rate, frames, ch, kind, bits, ext, odd) in enumerate(WAVS):
        x = signal(rate, frames, ch, 100 + i)
        if name.startswith("f32"):
            x[5, 0], x[6, 0], x[7, 0] = 1.5, -1.25, 3e-9  # float WAV may exceed [-1, 1]: decoders keep it
        if kind == "float":
            f = x.astype("<f4" if bits == 32 else "<f8")
            raw, exact = f.tobytes(), f.astype(np.float32)
        else:
            raw, exact = pcm(x, bits)
        exact = exact.reshape(frames, ch)[:, 0].copy()
        extra = b"LIST" + struct.pack("<I", 13) + b"INFOISFT\x01\0\0\0x" + b"\0" if odd else b""
        riff(d / name, 3 if kind == "float" else 1, ch, rate, bits, raw, ext, extra)
        ta, ta_rate = torchaudio.load(str(d / name))
        assert ta_rate == rate and ta.shape == (ch, frames)
        ta_diff = float(np.abs(ta[0].numpy() - exact).max())
        if bits in (8, 16, 24):
            assert ta_diff == 0.0, (name, ta_diff)
        decoded[name] = (exact, rate)
        entries.append({"file": rel(d / name), "decoder": "riff", "sample_rate": rate, "channels": ch,
                        "frames": frames, "exact": True, "sha256": sha256(exact), "first": exact[:8].tolist(),
                        "torchaudio_load_max_abs_diff": ta_diff})
    return entries, decoded


def ffmpeg(args, stdin=None):
    return subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], input=stdin,
                          stdout=subprocess.PIPE, check=True).stdout


BITEXACT = ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags", "+bitexact"]
ENCODED = [  # file, rate, seconds, channels, codec args, lossless, tiny video track
    ("flac_s16_44100_stereo.flac", 44100, 0.12, 2, ["-c:a", "flac", "-sample_fmt", "s16"], True, False),
    ("flac_s24_48000_mono.flac", 48000, 0.1, 1, ["-c:a", "flac", "-sample_fmt", "s32"], True, False),
    ("vorbis_44100_stereo.ogg", 44100, 0.12, 2, ["-c:a", "libvorbis", "-q:a", "3"], False, False),
    ("mp3_44100_mono.mp3", 44100, 0.15, 1, ["-c:a", "libmp3lame", "-b:a", "96k"], False, False),
    ("aac_48000_stereo.m4a", 48000, 0.12, 2, ["-c:a", "aac", "-b:a", "96k"], False, False),
    ("opus_48000_stereo.webm", 48000, 0.12, 2, ["-c:a", "libopus", "-b:a", "64k"], False, False),
    ("video_aac_22050_mono.mp4", 22050, 0.3, 1, ["-c:a", "aac", "-b:a", "48k"], False, True),
    ("video_flac_16000_stereo.mkv", 16000, 0.3, 2, ["-c:a", "flac"], True, True),
    ("mulaw_8000_mono.wav", 8000, 0.1, 1, ["-c:a", "pcm_mulaw"], False, False),  # non-PCM WAV: FFmpeg's job
]
VIDEO = ["-f", "lavfi", "-i", "testsrc2=size=32x32:rate=10:duration={d}"]
VIDEO_CODEC = ["-c:v", "mpeg4", "-q:v", "10", "-shortest"]


def cli_decode(path):
    """ffmpeg CLI decode of the first audio stream to float32 (all channels), channel 0 returned."""
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
                            "stream=channels,sample_rate", "-of", "json", str(path)],
                           stdout=subprocess.PIPE, check=True).stdout
    s = json.loads(probe)["streams"][0]
    raw = ffmpeg(["-i", str(path), "-map", "0:a:0", "-f", "f32le", "-c:a", "pcm_f32le", "pipe:1"])
    return np.frombuffer(raw, "<f4").reshape(-1, s["channels"])[:, 0].copy(), int(s["sample_rate"]), s["channels"]


def encoded_goldens():
    d = OUT / "audio"
    entries = []
    for i, (name, rate, sec, ch, codec, lossless, video) in enumerate(ENCODED):
        frames = int(rate * sec)
        x = signal(rate, frames, ch, 200 + i)
        if lossless:  # exactly representable in the encoded sample format
            x = np.round(x * 2 ** 23) / 2 ** 23 if "s24" in name else np.round(x * 32768) / 32768
        src = ["-f", "f64le", "-ar", str(rate), "-ac", str(ch), "-i", "pipe:0"]
        vid = [a.format(d=sec) for a in VIDEO] if video else []
        ffmpeg([*vid, *src, *(VIDEO_CODEC if video else []), *codec, *BITEXACT, str(d / name)],
               stdin=x.astype("<f8").tobytes())
        ref, ref_rate, ref_ch = cli_decode(d / name)
        assert ref_rate == rate and ref_ch == ch, (name, ref_rate, ref_ch)
        e = {"file": rel(d / name), "decoder": "ffmpeg", "sample_rate": rate, "channels": ch,
             "frames": len(ref), "exact": lossless, "sha256": sha256(ref), "first": ref[:8].tolist()}
        if lossless:
            assert len(ref) == frames and np.array_equal(ref, x[:, 0].astype(np.float32)), name
        else:
            e["golden"] = save_npy(d / (Path(name).stem + ".ffmpeg.npy"), ref)
        try:  # what torchaudio 0.13's load (libsox, falling back to its FFmpeg reader) makes of it, for the record
            ta, _ = torchaudio.load(str(d / name))
            e["torchaudio_load"] = {"frames": ta.shape[1],
                                   "max_abs_diff": float(np.abs(ta[0].numpy()[:len(ref)] - ref[:ta.shape[1]]).max())}
        except RuntimeError as err:
            e["torchaudio_load"] = {"error": str(err).splitlines()[0][:120]}
        entries.append(e)
    return entries


def resample_goldens(decoded):
    d = OUT / "resample"
    d.mkdir(parents=True)
    entries = []
    for name, (x, rate) in decoded.items():
        y = AF.resample(torch.from_numpy(x), rate, TARGET_RATE)
        y64 = AF.resample(torch.from_numpy(x).double(), rate, TARGET_RATE)
        e = {"input": f"audio/{name}", "orig_freq": rate, "new_freq": TARGET_RATE, "length": int(y.shape[0]),
             "identity": rate == TARGET_RATE,
             "float32_vs_float64_max_abs_diff": float((y.double() - y64).abs().max())}
        if rate != TARGET_RATE:
            e["golden"] = save_npy(d / f"{Path(name).stem}_to16000.npy", y.numpy())
        entries.append(e)
    kernels = []
    for orig, new in [(48000, 16000), (8000, 16000)]:
        g = np.gcd(orig, new)
        k, width = AF.functional._get_sinc_resample_kernel(orig, new, g, 6, 0.99, "sinc_interpolation", None,
                                                            torch.device("cpu"), torch.float32)
        kernels.append({"orig_freq": orig, "new_freq": new, "width": width, "shape": list(k.shape),
                        "golden": save_npy(d / f"kernel_{orig}_{new}.npy", k.numpy())})
    return entries, kernels


def zero_mean_unit_var_norm(x):
    """transformers Wav2Vec2FeatureExtractor.zero_mean_unit_var_norm with attention_mask=None (DenseAV:
    padding=False, so the whole already zero-padded vector is normalised), on float32 like the extractor."""
    x = np.asarray(x, dtype=np.float32)
    return (x - x.mean()) / np.sqrt(x.var() + 1e-7)


def audio_preprocess_goldens(decoded):
    """DenseAV prep_waveform (first channel, resample, zero-pad / truncate from the start) + HubertAudioTransform."""
    d = OUT / "audio_preprocess"
    d.mkdir(parents=True)
    entries = []
    for name, target in [("s16_44100_stereo.wav", DENSEAV_SAMPLES), ("s16_44100_stereo.wav", 2000),
                         ("f32_48000_mono.wav", None), ("u8_8000_mono.wav", DENSEAV_SAMPLES)]:
        x, rate = decoded[name]
        w = AF.resample(torch.from_numpy(x), rate, TARGET_RATE)
        n = w.shape[0]
        if target is not None and target > n:
            w = torch.nn.ZeroPad2d((0, target - n))(w)
        elif target is not None:
            w = w[:target]
        out = zero_mean_unit_var_norm(w.numpy())
        valid = n if target is None else min(n, target)
        e = {"input": f"audio/{name}", "target_samples": target, "valid_samples": valid, "length": len(out),
             "mean": float(w.numpy().astype(np.float32).mean()), "var": float(w.numpy().astype(np.float32).var()),
             "golden_valid": save_npy(d / f"{Path(name).stem}_{target or 'unpadded'}.npy", out[:valid])}
        if valid < len(out):
            assert np.all(out[valid:] == out[valid])
            e["pad_value"] = float(out[valid])
        entries.append(e)
    return entries


def bad_files():
    """Malformed inputs with the lowercase substring the Java DataException message must contain."""
    d = OUT / "bad"
    d.mkdir(parents=True)
    rng = np.random.default_rng(7)
    jpg = (OUT / "images" / "portrait_150x200.jpg").read_bytes()
    png = (OUT / "images" / "gray_97x61.png").read_bytes()
    wav = (OUT / "audio" / "s16_11025_mono_list.wav").read_bytes()
    files = {
        "empty.png": (b"", "empty file"),
        "garbage.jpg": (rng.integers(0, 256, 300, dtype=np.uint8).tobytes(), "not a readable image"),
        "text.png": (b"this is not an image\n" * 4, "not a readable image"),
        "truncated.png": (png[:len(png) // 2], "corrupt"),
        "truncated.jpg": (jpg[:len(jpg) // 2], "corrupt"),
        "empty.wav": (b"", "empty file"),
        "truncated_header.wav": (wav[:20], "corrupt wav"),
        "no_data.wav": (wav[:36], "no data chunk"),
        "bits12.wav": (wav[:34] + struct.pack("<H", 12) + wav[36:], "unsupported wav"),
        "garbage.mp3": (rng.integers(0, 256, 600, dtype=np.uint8).tobytes(), "cannot decode audio"),
        "text.ogg": (b"this is not audio\n" * 8, "cannot decode audio"),
    }
    for name, (data, _) in files.items():
        (d / name).write_bytes(data)
    ffmpeg([*[a.format(d=0.2) for a in VIDEO], *VIDEO_CODEC, "-an", *BITEXACT, str(d / "video_only.mp4")])
    files["video_only.mp4"] = (None, "no audio stream")
    for name in [n for n in files if n.endswith((".png", ".jpg"))]:  # PIL refuses them too
        try:
            Image.open(d / name).convert("RGB")
            raise AssertionError(f"PIL accepted {name}")
        except (OSError, SyntaxError):
            pass
    (d / "expected_errors.json").write_text(json.dumps({k: v[1] for k, v in sorted(files.items())}, indent=1) + "\n")
    return sorted(files)


def build():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    lut = normalize_lut()
    index = {"generator": "test-fixtures/generate_preprocess.py",
             "versions": {"torch": torch.__version__, "torchaudio": torchaudio.__version__,
                          "torchvision": torchvision.__version__, "numpy": np.__version__,
                          "pillow": Image.__version__, "ffmpeg": ffmpeg(["-version"]).decode().split()[2]},
             "load_size": LOAD_SIZE, "patch": PATCH, "mean": MEAN, "std": STD,
             "normalize_lut": save_npy(OUT / "normalize_lut.npy", lut)}
    index["images"] = image_goldens(lut)
    index["pil_resizes"] = direct_resize_goldens()
    wavs, decoded = wav_goldens()
    index["audio"] = wavs + encoded_goldens()
    index["resample"], index["resample_kernels"] = resample_goldens(decoded)
    index["audio_preprocess"] = audio_preprocess_goldens(decoded)
    index["bad"] = bad_files()
    (OUT / "index.json").write_text(json.dumps(index, indent=1) + "\n")
    return index
