"""Visualisation goldens for the Java `evaluation` module (entry point: ../generate_viz.py).

Everything is computed by the reference libraries: torch 1.13 (`F.interpolate` bilinear/bicubic with
align_corners=False, DenseAV's `blur_dim`), matplotlib 3.6 (the "inferno" table and the colormap lookup) and
DenseAV's `plotting.py` rendering steps (`_prep_sims_for_plotting`, `get_inferno_with_alpha`, `red_cmap` /
`blue_cmap`, `alpha_blend_layers`), re-stated here line by line without the video writing. Inputs come from
seeded generators, so the script rewrites identical bytes.
"""

import json
import shutil
from collections import defaultdict
from pathlib import Path

import matplotlib
import matplotlib.colors as mcolors
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib import cm
from PIL import Image

OUT = Path(__file__).resolve().parent.parent / "src" / "main" / "resources" / "fixtures" / "viz"


def rel(p):
    return p.relative_to(OUT).as_posix()


def save_npy(name, a, dtype=np.float32):
    path = OUT / name
    np.save(path, np.ascontiguousarray(a, dtype=dtype))
    return rel(path)


def save_png(name, hwc_uint8):
    path = OUT / name
    Image.fromarray(np.ascontiguousarray(hwc_uint8), "RGB").save(path, optimize=False, compress_level=9)
    return rel(path)


# ------------------------------------------------------------------ DenseAV reference code, restated

def blur_dim(t, window=5, std_dev=1, dim=-1):
    """denseav/shared.py blur_dim: Gaussian over `dim` on linspace(-2, 2, window), replicate padding."""
    x = torch.linspace(-2, 2, window, dtype=torch.float32)
    k = torch.exp(-x ** 2 / (2 * std_dev ** 2))
    k = (k / k.sum()).view(1, 1, window)
    pad = window // 2
    order = list(range(t.dim()))
    order.append(order.pop(dim))
    tp = t.permute(order)
    flat = tp.reshape(-1, tp.size(-1))
    out = F.conv1d(F.pad(flat.unsqueeze(1), (pad, pad), mode="replicate"), k)
    out = out.squeeze(1).reshape(*tp.shape)
    return out.permute([order.index(i) for i in range(t.dim())]), k.flatten()


def alpha_blend_layers(layers):
    blended = layers[0]
    for layer in layers[1:]:
        rgb1, a1 = blended[:, :3], blended[:, 3:4]
        rgb2, a2 = layer[:, :3], layer[:, 3:4]
        a_out = a2 + a1 * (1 - a2)
        rgb_out = (rgb2 * a2 + rgb1 * a1 * (1 - a2)) / a_out.clamp(min=1e-7)
        blended = torch.cat([rgb_out, a_out], dim=1)
    return (blended[:, :3] * 255).clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1)


def prep_sims(sim_by_head, frames):
    results = defaultdict(list)
    n_frames, _, vh, vw = frames.shape
    sims = sim_by_head.max(dim=1).values
    n_audio = sims.shape[-1]
    for i in range(n_frames):
        t = int((i / n_frames) * n_audio)
        results["sims_all"].append(F.interpolate(sims[i, :, :, t][None, None], size=(vh, vw), mode="bicubic"))
        for head in range(sim_by_head.shape[1]):
            results[f"sims_{head + 1}"].append(
                F.interpolate(sim_by_head[i, head, :, :, t][None, None], size=(vh, vw), mode="bicubic"))
    return {k: torch.cat(v, dim=0) for k, v in results.items()}


def inferno_with_alpha():
    rgba = np.zeros((256, 4))
    rgba[:, :3] = cm.inferno(np.linspace(0, 1, 256))[:, :3]
    rgba[:, 3] = np.linspace(0, 1, 256)
    return mcolors.ListedColormap(rgba)


def segment_cmap(name, r, g, b):
    return mcolors.LinearSegmentedColormap(name, segmentdata={
        "red": [(0.0, r, r), (1.0, r, r)], "green": [(0.0, g, g), (1.0, g, g)],
        "blue": [(0.0, b, b), (1.0, b, b)], "alpha": [(0.0, 0.0, 0.0), (1.0, 1.0, 1.0)]})


RED, BLUE = segment_cmap("RedMap", 1.0, 0.0, 0.0), segment_cmap("BlueMap", 0.0, 0.0, 1.0)


def attention_frames(sim_by_head, frames):
    """plot_attention_video up to the frames it would write."""
    n, _, vh, vw = frames.shape
    s = prep_sims(sim_by_head, frames)["sims_all"].clamp_min(0)
    s -= s.min()
    s = s / s.max()
    layer1 = torch.cat([frames, torch.ones(n, 1, vh, vw)], axis=1)
    layer2 = torch.tensor(inferno_with_alpha()(s.squeeze().cpu())).permute(0, 3, 1, 2)
    return alpha_blend_layers([layer1, layer2])


def two_head_frames(sim_by_head, frames):
    """plot_2head_attention_video up to the frames it would write."""
    p = prep_sims(sim_by_head, frames)
    s1, s2 = p["sims_1"], p["sims_2"]
    n, _, vh, vw = frames.shape
    mask = s1 > s2
    s1 *= mask
    s2 *= ~mask
    s1 = s1.clamp_min(0)
    s1 -= s1.min()
    s1 = s1 / s1.max()
    s2 = s2.clamp_min(0)
    s2 -= s2.min()
    s2 = s2 / s2.max()
    layer1 = torch.cat([frames, torch.ones(n, 1, vh, vw)], axis=1)
    red = torch.tensor(RED(s1.squeeze().cpu())).permute(0, 3, 1, 2)
    blue = torch.tensor(BLUE(s2.squeeze().cpu())).permute(0, 3, 1, 2)
    return alpha_blend_layers([layer1, red, blue])


# ------------------------------------------------------------------ goldens

INTERP_CASES = [  # (name, in_h, in_w, out_h, out_w)
    ("up_7x5_to_23x31", 7, 5, 23, 31),
    ("up_14x14_to_56x40", 14, 14, 56, 40),
    ("same_6x9", 6, 9, 6, 9),
    ("down_9x9_to_4x6", 9, 9, 4, 6),
    ("single_1x1_to_3x4", 1, 1, 3, 4),
    ("mixed_3x12_to_10x5", 3, 12, 10, 5),
]


def interpolation_goldens(rng):
    out = []
    for name, ih, iw, oh, ow in INTERP_CASES:
        x = torch.from_numpy(rng.normal(0, 1, (ih, iw)).astype(np.float32))
        e = {"name": name, "input": save_npy(f"interp_{name}_in.npy", x.numpy()), "out_h": oh, "out_w": ow}
        for mode in ("bilinear", "bicubic"):
            y = F.interpolate(x[None, None], size=(oh, ow), mode=mode, align_corners=False)[0, 0]
            e[mode] = save_npy(f"interp_{name}_{mode}.npy", y.numpy())
        out.append(e)
    return out


def blur_goldens(rng):
    out = []
    for name, shape in [("sims_2x2x3x4x9", (2, 2, 3, 4, 9)), ("t1_3x1", (3, 1)), ("t2_2x2", (2, 2)),
                        ("t5_5", (5,))]:
        x = torch.from_numpy(rng.normal(0, 1, shape).astype(np.float32))
        y, k = blur_dim(x, window=3, dim=-1)
        out.append({"name": name, "shape": list(shape), "input": save_npy(f"blur_{name}_in.npy", x.numpy()),
                    "output": save_npy(f"blur_{name}_out.npy", y.numpy()), "kernel": [float(v) for v in k]})
    return out


def picture(h, w, seed):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.stack([40 + 200 * xx / w, 30 + 180 * yy / h, 120 + 60 * np.sin(xx / 3.0 + yy / 4.0)], -1)
    img += rng.normal(0, 12, img.shape)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def overlay_goldens(rng):
    n, vh, vw, k, h, w, t = 3, 24, 32, 2, 4, 5, 7
    frames_u8 = np.stack([picture(vh, vw, 10 + i) for i in range(n)])
    frames = torch.from_numpy(frames_u8).permute(0, 3, 1, 2).to(torch.float32) / 255
    sims = torch.from_numpy(rng.normal(0.2, 1.0, (n, k, h, w, t)).astype(np.float32))
    sims, _ = blur_dim(sims, window=3, dim=-1)
    e = {"frames": n, "height": vh, "width": vw, "heads": k, "sim_h": h, "sim_w": w, "sim_t": t,
         "sim_by_head": save_npy("overlay_sim_by_head.npy", sims.numpy()),
         "frame_png": [save_png(f"overlay_frame{i}.png", frames_u8[i]) for i in range(n)]}
    att = attention_frames(sims.clone(), frames).numpy()
    two = two_head_frames(sims.clone(), frames).numpy()
    e["attention_png"] = [save_png(f"overlay_attention{i}.png", att[i]) for i in range(n)]
    e["two_head_png"] = [save_png(f"overlay_two_head{i}.png", two[i]) for i in range(n)]
    return e


def build():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    rng = np.random.default_rng(20240607)
    inferno = np.asarray(cm.inferno(np.linspace(0, 1, 256)))[:, :3]
    index = {"generator": "test-fixtures/generate_viz.py",
             "versions": {"torch": torch.__version__, "numpy": np.__version__, "matplotlib": matplotlib.__version__},
             "inferno": save_npy("inferno.npy", inferno, np.float64),
             "inferno_alpha_lut": save_npy("inferno_alpha_lut.npy", inferno_with_alpha()(np.arange(256)), np.float64),
             "red_lut": save_npy("red_lut.npy", RED(np.arange(256)), np.float64),
             "blue_lut": save_npy("blue_lut.npy", BLUE(np.arange(256)), np.float64)}
    index["interpolate"] = interpolation_goldens(rng)
    index["blur"] = blur_goldens(rng)
    index["overlay"] = overlay_goldens(rng)
    (OUT / "index.json").write_text(json.dumps(index, indent=1) + "\n")
    return index
