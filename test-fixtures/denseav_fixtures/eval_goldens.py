"""Evaluation-protocol goldens (fixtures/eval/) for io.denseav.evaluation.protocols; entry: ../generate_eval.py.

A tiny ADE20K-prompted folder in the TuxPaint-AV layout (one prompted_segmentation.csv with speech rows, timing
included, AND sound rows, a prompt_kind column, image_location relative to the folder as TuxPaint-AV writes it), a pairs manifest and a localisation CSV, and the metrics of
the four protocols computed by the torch reference (denseav_ref.py, the committed tiny_2head checkpoint):

  * segmentation: DenseAV eval_utils.get_paired_heatmaps restated (prep_heatmap: masked time mean, one global
    min-max, F.interpolate bilinear to 224; AP by sklearn average_precision_score per prompt class, pooled over
    the pixels of that class's images; multi_iou with 20 thresholds), "basic" and "advanced" (speech, word frames);
  * retrieval: per-head MISA summed over heads (train.py calc_recalls), recall@1/5/10 both ways;
  * disentanglement: paired per-head scores, train.py disentangle_validation with sklearn AP;
  * localisation: LVS cIoU / AUC on the basic heatmap with boxes mapped through Resize(224) + CenterCrop(224).

The model runs in float64 (the goldens) and in float32 (to measure how far float32 model outputs move each metric:
the tolerance of the Java end-to-end test). The metric pipeline itself runs in float32 as the reference's does.
"""

import csv
import io
import json
import shutil
import wave
from pathlib import Path

import numpy as np
import sklearn
import torch
import torch.nn.functional as F
import torchvision.transforms as T
from PIL import Image, ImageDraw

from . import denseav_goldens as G
from . import denseav_ref as ref
from .metrics_goldens import calc_recalls, disentangle, lvs_box_mask, lvs_ciou, lvs_summary, multi_iou_numpy, \
    multi_iou_torch, sklearn_ap
from .writers import write_text

FIXTURES = Path(__file__).resolve().parent.parent / "src" / "main" / "resources" / "fixtures"
OUT = FIXTURES / "eval"
MODEL = FIXTURES / "denseav" / "tiny_2head" / "model.ckpt"
DATA = OUT / "prompted"
SR = 16000
SAMPLES = 164_200                     # DenseAV target_length=10
CLIP_SECONDS = SAMPLES / SR           # 10.2625 s: results['total_length'] / 16000
WORD_MARGIN = 0.2                     # get_paired_heatmaps: timing[:, 0] -= .2; timing[:, 1] += .2
LOAD = 224
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]

# ADE20K full-index classes, stored in the _seg.png as R = 10 * (class // 256), G = class % 256
CLASSES = {5: "wall", 12: "person", 257: "dog", 520: "bird", 1000: "violin"}
BACKGROUND = 5

# (width, height, [(class, shape, box as fractions x1 y1 x2 y2)]) per picture
PICTURES = [
    (96, 72, [(257, "ellipse", (0.10, 0.20, 0.55, 0.85)), (520, "rect", (0.60, 0.10, 0.90, 0.45))]),
    (64, 88, [(520, "ellipse", (0.20, 0.05, 0.80, 0.40)), (12, "rect", (0.15, 0.50, 0.70, 0.95))]),
    (80, 80, [(257, "rect", (0.40, 0.35, 0.95, 0.90)), (1000, "ellipse", (0.05, 0.05, 0.35, 0.50))]),
    (120, 64, [(1000, "ellipse", (0.30, 0.15, 0.70, 0.90)), (12, "rect", (0.75, 0.30, 0.98, 0.95))]),
    (72, 72, [(520, "rect", (0.05, 0.55, 0.45, 0.95)), (257, "ellipse", (0.50, 0.10, 0.95, 0.60))]),
    (88, 66, [(12, "ellipse", (0.25, 0.20, 0.75, 0.95)), (257, "rect", (0.02, 0.02, 0.20, 0.30))]),
]

# prompted_segmentation.csv rows: (picture, class, kind, audio stem, seconds, word [start, end] or None)
ROWS = [
    (0, 257, "speech", "speech_0", 1.60, (0.05, 0.40)),   # start - 0.2 < 0: clamped to frame 0
    (0, 257, "sound", "sound_0", 0.60, None),
    (1, 520, "speech", "speech_1", 1.80, (0.90, 1.25)),
    (1, 12, "sound", "sound_1", 0.50, None),
    (2, 257, "tts", "speech_2", 1.70, (1.10, 1.45)),
    (3, 1000, "speech", "speech_3", 1.90, (0.70, 1.00)),
    (3, 1000, "sound", "sound_3", 0.70, None),
    (4, 520, "speech", "speech_4", 1.60, (1.00, 1.55)),
    (4, 257, "sound", "sound_4", 0.60, None),
    (5, 12, "speech", "speech_5", 1.80, (0.50, 0.80)),
]
DROPPED_ROW = (2, 0, "speech", "speech_2", 1.70, (1.10, 1.45))   # ade_class_id 0: dropped, as the reference
TRAIN_ROWS = {3, 4}     # rows in the 'train' split of pairs.csv (the rest are 'test')
LOCALIZATION_ROWS = [0, 1, 3, 5, 8]
EXTRA_BOXES = {3: [520]}    # localisation rows with more than one box: the ground truth is their union


# ---------------------------------------------------------------------------------------------------- the folder

def shape_mask(w, h, shape, box):
    m = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(m)
    xy = [box[0] * w, box[1] * h, box[2] * w - 1, box[3] * h - 1]
    (d.ellipse if shape == "ellipse" else d.rectangle)(xy, fill=255)
    return np.asarray(m) > 0


def write_picture(i, rng):
    w, h, objects = PICTURES[i]
    yy, xx = np.mgrid[0:h, 0:w] / max(w, h)
    base = np.stack([0.45 + 0.25 * np.sin(2 * np.pi * (f * xx + g * yy) + p)
                     for f, g, p in rng.uniform(0.3, 2.0, (3, 3))], -1)
    cls = np.full((h, w), BACKGROUND, np.int64)
    boxes = {}
    for c, shape, box in objects:
        m = shape_mask(w, h, shape, box)
        cls[m] = c
        base[m] = rng.uniform(0.1, 0.9, 3)
        ys, xs = np.nonzero(m)
        boxes[c] = [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1]
    rgb = np.clip(base + 0.06 * rng.standard_normal(base.shape), 0, 1)
    Image.fromarray((rgb * 255).round().astype(np.uint8)).save(DATA / "frames" / f"img_{i}.png")
    seg = np.zeros((h, w, 3), np.uint8)
    seg[..., 0] = 10 * (cls // 256)
    seg[..., 1] = cls % 256
    seg[..., 2] = 7      # ADE's instance channel; ignored
    Image.fromarray(seg).save(DATA / "annotations" / f"img_{i}_seg.png")
    return boxes


def write_wav(path, seconds, word, rng):
    """16 kHz mono int16: a hum, louder tones during the word (speech) or a chirp (sound)."""
    n = int(round(seconds * SR))
    t = np.arange(n) / SR
    x = 0.05 * np.sin(2 * np.pi * rng.uniform(90, 140) * t) + 0.02 * rng.standard_normal(n)
    if word is not None:
        on = (t >= word[0]) & (t < word[1])
        f0 = rng.uniform(180, 320)
        x[on] += 0.5 * np.sin(2 * np.pi * f0 * t[on]) + 0.2 * np.sin(2 * np.pi * 2.3 * f0 * t[on])
    else:
        x += 0.4 * np.sin(2 * np.pi * (rng.uniform(300, 600) + rng.uniform(200, 900) * t) * t)
    pcm = np.clip(np.round(x * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(SR)
        f.writeframes(pcm.tobytes())


def csv_text(header, rows):
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator="\n")
    wr.writerow(header)
    wr.writerows(rows)
    return buf.getvalue()


def write_folder():
    for sub in ("frames", "annotations", "audio"):
        (DATA / sub).mkdir(parents=True)
    rng = np.random.RandomState(61)
    boxes = [write_picture(i, rng) for i in range(len(PICTURES))]
    for pic, c, kind, stem, seconds, word in ROWS:
        write_wav(DATA / "audio" / f"{stem}.wav", seconds, word if kind != "sound" else None, rng)
    rows = []
    for pic, c, kind, stem, seconds, word in ROWS[:5] + [DROPPED_ROW] + ROWS[5:]:
        speech = kind != "sound"
        rows.append([f"frames/img_{pic}.png", f"annotations/img_{pic}_seg.png", c, CLASSES.get(c, ""),
                     f"audio/{stem}.wav" if speech else "", "" if speech else f"audio/{stem}.wav",
                     json.dumps(list(word)) if speech else "", kind])
    write_text(DATA / "prompted_segmentation.csv", csv_text(
        ["image_location", "seg_location", "ade_class_id", "class_name", "speech_prompt_file", "vggsound_file",
         "timing", "prompt_kind"], rows))
    write_text(DATA / "classes.csv", csv_text(["id", "name"], sorted(CLASSES.items())))
    write_text(DATA / "pairs.csv", csv_text(["image", "audio", "label", "split"], [
        [f"frames/img_{pic}.png", f"audio/{stem}.wav", 1 if kind == "sound" else 0,
         "train" if r in TRAIN_ROWS else "test"] for r, (pic, c, kind, stem, _, _) in enumerate(ROWS)]))
    write_text(DATA / "localization.csv", csv_text(["image", "audio", "boxes"], [
        [f"frames/img_{ROWS[r][0]}.png", f"audio/{ROWS[r][3]}.wav",
         ";".join(" ".join(map(str, b)) for b in row_boxes(boxes, r))] for r in LOCALIZATION_ROWS]))
    return boxes


# ---------------------------------------------------------------------------------------------------- inputs

EVAL_IMAGE = T.Compose([T.Resize(LOAD), T.CenterCrop(LOAD), T.ToTensor(), T.Normalize(MEAN, STD)])


def image_input(name):
    return EVAL_IMAGE(Image.open(DATA / "frames" / name).convert("RGB"))[None]


def labels(name):
    """_seg.png -> Resize(224, NEAREST) + CenterCrop(224) -> class = R // 10 * 256 + G."""
    seg = Image.open(DATA / "annotations" / name).convert("RGB")
    seg = T.CenterCrop(LOAD)(T.Resize(LOAD, interpolation=T.InterpolationMode.NEAREST)(seg))
    a = np.asarray(seg).astype(np.int64)
    return torch.from_numpy(a[..., 0] // 10 * 256 + a[..., 1])


def audio_input(stem):
    """int16 / 32768, zero-padded to 164,200, Wav2Vec2-normalised over the padded clip (statistics in float64)."""
    with wave.open(str(DATA / "audio" / f"{stem}.wav"), "rb") as f:
        x = np.frombuffer(f.readframes(f.getnframes()), "<i2").astype(np.float32) / np.float32(32768)
    wav = np.zeros(SAMPLES, np.float32)
    wav[:x.size] = x
    mask = (np.arange(SAMPLES) < x.size).astype(np.float32)
    w64 = wav.astype(np.float64)
    wav = ((w64 - w64.mean()) / np.sqrt(w64.var() + 1e-7)).astype(np.float32)
    return torch.from_numpy(wav)[None], torch.from_numpy(mask)[None]


class Features:
    """Aligned features of every file, once per file, from the reference model in one dtype."""

    def __init__(self, dtype):
        sd, hp = G.load_layout(MODEL)
        self.arch = ref.arch_from_hparams(hp)
        self.model = ref.DenseAVRef(self.arch, sd, dtype)
        self.dtype, self.K, self._img, self._aud = dtype, self.arch["heads"], {}, {}

    @torch.no_grad()
    def image(self, name):
        if name not in self._img:
            self._img[name] = self.model.forward_image(image_input(name).to(self.dtype))["feats"]
        return self._img[name]

    @torch.no_grad()
    def audio(self, stem):
        if stem not in self._aud:
            wav, mask = audio_input(stem)
            feats = self.model.forward_audio(wav.to(self.dtype))["feats"]
            self._aud[stem] = (feats, ref.audio_mask_frames(mask, feats.shape[-1]))
        return self._aud[stem]


# ---------------------------------------------------------------------------------------------------- segmentation

def word_frames(timing, t):
    """get_paired_heatmaps' advanced mask in its float32 torch arithmetic: [start - .2, end + .2] / 10.2625 s * T,
    floor / ceil, frames start..end-1. The reference's one_hot fails on a bound outside [0, T); here it is clamped."""
    tm = torch.tensor([list(timing)])          # float32, as torch.tensor of json floats
    tm[:, 0] -= WORD_MARGIN
    tm[:, 1] += WORD_MARGIN
    total = (torch.tensor([SAMPLES]) / SR)[0]  # results['total_length'] / 16000
    bounds = t * (tm / total)
    lo, hi = int(bounds[0, 0].floor()), int(bounds[0, 1].ceil())
    return max(0, min(lo, t)), max(0, min(hi, t))


def prep_heatmap(sims, masks):
    """eval_utils.prep_heatmap in float32, split in two: the raw masked time mean, then min-max + upsampling."""
    masks = masks.to(torch.float32)
    return torch.einsum("bhwt,bt->bhw", sims, masks) / masks.sum(-1).reshape(-1, 1, 1)


def normalise_upsample(hm):
    hm = hm.clone()
    hm -= hm.min()
    hm /= hm.max()
    return F.interpolate(hm.unsqueeze(1), (LOAD, LOAD), mode="bilinear").squeeze(1)


def segmentation(feats, kind):
    rows = [r for r in ROWS if (r[2] == "sound") == (kind == "sound")]
    sims, basic, advanced = [], [], []
    for pic, c, _, stem, _, word in rows:
        a, m = feats.audio(stem)
        P = ref.paired_volume(a, feats.image(f"img_{pic}.png"), m, feats.K)   # [1,K,h,w,1,T]
        sims.append(P.max(dim=1).values.mean(dim=3).to(torch.float32))        # [1,h,w,T]
        basic.append(m.to(torch.float32))
        if word is not None:
            lo, hi = word_frames(word, m.shape[1])
            adv = torch.zeros_like(basic[-1])
            adv[:, lo:hi] = 1
            advanced.append(adv)
    sims = torch.cat(sims)
    raw = {"basic": prep_heatmap(sims, torch.cat(basic))}
    if kind == "speech":
        raw["advanced"] = prep_heatmap(sims, torch.cat(advanced))
    classes = torch.tensor([r[1] for r in rows])
    gt = torch.stack([labels(f"img_{r[0]}_seg.png") for r in rows]) == classes.reshape(-1, 1, 1)
    out = {"rows": [r[3] for r in rows], "raw": raw, "per_class": [], "summary": {}}
    heat = {k: normalise_upsample(v) for k, v in raw.items()}
    for c in torch.unique(classes).tolist():
        subset = torch.where(classes == c)[0]
        e = {"class_id": c, "class_name": CLASSES[c], "count": len(subset)}
        g = gt[subset].flatten().numpy()
        for k, hm in heat.items():
            s = hm[subset].flatten().numpy()
            e[f"{k}_ap"] = sklearn_ap(s, g)
            e[f"{k}_iou"] = multi_iou_numpy(s, g)
            e[f"{k}_iou_torch"] = multi_iou_torch(s, g)
        out["per_class"].append(e)
    for k in heat:
        for metric in ("ap", "iou"):
            out["summary"][f"{k}_{metric}"] = float(np.mean([e[f"{k}_{metric}"] for e in out["per_class"]]))
    return out


# ---------------------------------------------------------------------------------------------------- the others

def pair_rows():
    return [(r, row) for r, row in enumerate(ROWS) if r not in TRAIN_ROWS]


def recall_ties_favourable(sim):
    """Recall.atK's rule: the true item is in the top k when fewer than k items score strictly higher (a tie with
    a duplicate of the same picture counts as found). Returns (image->audio, audio->image) at 1, 5, 10."""
    n = sim.shape[0]
    diag = np.diag(sim)
    a2i = [(np.sum(sim > diag[:, None], 1) < k).mean() for k in (1, 5, 10)]   # per audio row
    i2a = [(np.sum(sim > diag[None, :], 0) < k).mean() for k in (1, 5, 10)]   # per image column
    return [float(v) for v in i2a], [float(v) for v in a2i]


def retrieval_and_disentanglement(feats):
    rows = pair_rows()
    a = torch.cat([feats.audio(row[3])[0] for _, row in rows])
    m = torch.cat([feats.audio(row[3])[1] for _, row in rows])
    v = torch.cat([feats.image(f"img_{row[0]}.png") for _, row in rows])
    per_head = ref.scores(a, v, m, feats.K)["scores_per_head"]                # [A,V,K]
    sim = per_head.sum(-1).to(torch.float32)
    # np.random.seed(0); permutation(n)[:n]: the subset is all items, reordered (recall does not change)
    np.random.seed(0)
    order = np.random.permutation(len(rows))
    i2a, a2i = recall_ties_favourable(sim.numpy()[order][:, order])
    topk = calc_recalls(sim[order][:, order]) if len(rows) >= 10 else None   # torch.topk(10) needs 10 items
    paired = torch.stack([per_head[i, i] for i in range(len(rows))]).to(torch.float32).numpy()
    is_sound = np.array([row[2] == "sound" for _, row in rows])
    dis = disentangle(paired, is_sound)
    return {"rows": [row[3] for _, row in rows], "subset_order": order.tolist(), "scores_sum": sim.numpy(),
            "paired_per_head": paired,
            "retrieval": {"a2i_r1": a2i[0], "a2i_r5": a2i[1], "a2i_r10": a2i[2],
                          "i2a_r1": i2a[0], "i2a_r5": i2a[1], "i2a_r10": i2a[2],
                          "torch_topk": topk},
            "disentanglement": {"pred_dis": dis["pred_dis"], "act_dis": dis["act_dis"], "ap": dis["ap"],
                                "act": dis["act"]}}


def row_boxes(boxes, r):
    pic, c = ROWS[r][0], ROWS[r][1]
    return [boxes[pic][k] for k in [c] + EXTRA_BOXES.get(r, [])]


def map_box(box, w, h):
    """Original pixels -> Resize(224) (torchvision size arithmetic) + CenterCrop(224): scale, floor, shift, clamp."""
    short, long_ = min(w, h), max(w, h)
    new_long = int(LOAD * long_ / short)
    rw, rh = (LOAD, new_long) if w <= h else (new_long, LOAD)
    top, left = int(round((rh - LOAD) / 2.0)), int(round((rw - LOAD) / 2.0))
    x1, y1, x2, y2 = box
    xs = [int(np.floor(x * rw / w)) - left for x in (x1, x2)]
    ys = [int(np.floor(y * rh / h)) - top for y in (y1, y2)]
    return [min(max(xs[0], 0), LOAD), min(max(ys[0], 0), LOAD), min(max(xs[1], 0), LOAD), min(max(ys[1], 0), LOAD)]


def localization(feats, boxes):
    cious, mapped = [], []
    for r in LOCALIZATION_ROWS:
        pic, c, _, stem, _, _ = ROWS[r]
        a, m = feats.audio(stem)
        P = ref.paired_volume(a, feats.image(f"img_{pic}.png"), m, feats.K)
        raw = prep_heatmap(P.max(dim=1).values.mean(dim=3).to(torch.float32), m)
        up = F.interpolate(raw.unsqueeze(1), (LOAD, LOAD), mode="bilinear").squeeze(1)[0].numpy()
        w, h, _ = PICTURES[pic]
        b = [map_box(box, w, h) for box in row_boxes(boxes, r)]
        mapped.append(b)
        cious.append(lvs_ciou(up.copy(), lvs_box_mask(LOAD, LOAD, b)))
    s = lvs_summary(cious)
    return {"mapped_boxes": mapped, "ciou_per_image": cious, "ciou": s["ciou_at_05"], "auc": s["auc"]}


# ---------------------------------------------------------------------------------------------------- build

def metrics_of(feats, boxes):
    out = {"speech": segmentation(feats, "speech"), "sound": segmentation(feats, "sound")}
    out.update(retrieval_and_disentanglement(feats))
    out["localization"] = localization(feats, boxes)
    return out


def flat_metrics(m):
    """name -> value of every compared number, for the float32-vs-float64 sensitivity."""
    f = {}
    for kind in ("speech", "sound"):
        f.update({f"{kind}_{k}": v for k, v in m[kind]["summary"].items()})
        for e in m[kind]["per_class"]:
            f.update({f"{kind}_{e['class_id']}_{k}": e[k] for k in e if k.endswith(("_ap", "_iou"))})
    f.update({k: v for k, v in m["retrieval"].items() if k != "torch_topk"})
    f.update({k: m["disentanglement"][k] for k in ("pred_dis", "act_dis")})
    f.update({k: m["localization"][k] for k in ("ciou", "auc")})
    return f


def build():
    if OUT.exists():
        shutil.rmtree(OUT)
    DATA.mkdir(parents=True)
    boxes = write_folder()
    gold = metrics_of(Features(torch.float64), boxes)
    f32 = metrics_of(Features(torch.float32), boxes)
    g, s = flat_metrics(gold), flat_metrics(f32)
    sensitivity = {k: abs(g[k] - s[k]) for k in g}
    for kind in ("speech", "sound"):
        for k, v in gold[kind].pop("raw").items():
            np.save(OUT / f"{kind}_{k}_raw.npy", v.numpy().astype("<f4"))
        f32[kind].pop("raw")
    np.save(OUT / "retrieval_scores_sum.npy", gold.pop("scores_sum").astype("<f4"))
    np.save(OUT / "disentanglement_paired_per_head.npy", gold.pop("paired_per_head").astype("<f4"))
    index = {
        "generator": "test-fixtures/generate_eval.py",
        "versions": {"torch": torch.__version__, "numpy": np.__version__, "sklearn": sklearn.__version__},
        "model": "denseav/tiny_2head/model.ckpt",
        "data": "eval/prompted",
        "computed_in": "model float64 (features, paired volume), metric pipeline float32 as the reference",
        "advanced_mask": "frames floor(T (start - 0.2) / 10.2625) .. ceil(T (end + 0.2) / 10.2625) - 1, clamped",
        "raw_heatmaps": "<kind>_<basic|advanced>_raw.npy: [B,h,w] masked time means before the global min-max, "
                        "rows in CSV order of that kind",
        "goldens": gold,
        "float32_model_metric_diff": sensitivity,
        "float32_model_metric_diff_max": max(sensitivity.values()),
    }
    write_text(OUT / "index.json", json.dumps(index, indent=1) + "\n")
    return index
