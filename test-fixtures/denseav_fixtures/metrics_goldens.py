"""Evaluation-metric goldens for the Java `evaluation` module (entry point: ../generate_metrics.py).

Every expected value comes from the library or the code the reference itself runs (denseav-reference.md §7):
  * AP and the PR curve: sklearn.metrics.average_precision_score / precision_recall_curve (1.2.1);
  * oracle-threshold IoU: DenseAV eval_utils.multi_iou restated in numpy with float64 np.linspace thresholds,
    cross-checked against the torch original (float32 torch.linspace) on every case;
  * recall@k: DenseAV train.py `_calc_recalls` (torch.topk), both directions;
  * subsets: `np.random.seed(s); np.random.permutation(n)[:size]` (train.py generate_subset);
  * disentanglement: train.py `disentangle_validation` (torch float32 min-max with clamp_min(1e-4)), AP by sklearn;
  * localisation: LVS test.py / utils.py (Chen et al. 2021) cIoU with its median-rank threshold, AUC by sklearn.
Inputs come from one seeded generator, so the script rewrites identical bytes.
"""

import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import sklearn
import torch
from sklearn.metrics import auc, average_precision_score, precision_recall_curve

from .writers import write_text

OUT = Path(__file__).resolve().parent.parent / "src" / "main" / "resources" / "fixtures" / "metrics"
IOU_THRESHOLDS = 20
CURVE_MAX_THRESHOLDS = 512  # full PR curves are stored only for cases with at most this many distinct scores


def save_npy(name, a, dtype):
    np.save(OUT / name, np.ascontiguousarray(a, dtype=dtype))
    return name


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def nan_to_none(v):
    return None if np.isnan(v) else float(v)


# ------------------------------------------------------------------ the reference formulas, restated

def sklearn_ap(scores, labels):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "No positive class found in y_true": sklearn then returns 0
        return float(average_precision_score(labels.astype(np.int64), scores))


def multi_iou_numpy(scores, gt, k=IOU_THRESHOLDS):
    """eval_utils.multi_iou: thresholds = linspace(min, max, k) (float64 here); pred = score > thr; IoU pooled over
    all pixels; a zero union is replaced by 1 (so 0/0 gives 0); max over thresholds."""
    thr = np.linspace(float(scores.min()), float(scores.max()), k)
    pred = scores.astype(np.float64)[None, :] > thr[:, None]
    inter = np.logical_and(pred, gt[None, :]).sum(1).astype(np.float64)
    union = np.logical_or(pred, gt[None, :]).sum(1).astype(np.float64)
    union = np.where(union == 0, 1.0, union)
    return float((inter / union).max())


def multi_iou_torch(scores, gt, k=IOU_THRESHOLDS):
    """eval_utils.multi_iou exactly as released (torch float32 linspace, float32 division)."""
    prediction = torch.tensor(scores)
    target = torch.tensor(gt) > 0.5
    thresholds = torch.linspace(prediction.min(), prediction.max(), k)
    hard_pred = prediction.unsqueeze(0) > thresholds.reshape(k, 1)
    target = torch.broadcast_to(target.unsqueeze(0), hard_pred.shape)
    intersection = torch.logical_and(hard_pred, target).sum(dim=1).float()
    union = torch.logical_or(hard_pred, target).sum(dim=1).float()
    union = torch.where(union == 0, torch.tensor(1.0), union)
    return float(torch.max(intersection / union, dim=0).values)


def calc_recalls(sim):
    """train.py `_calc_recalls`: A = image->audio (per column), I = audio->image (per row)."""
    top_10_a = sim.topk(10, 0).indices == torch.arange(sim.shape[0]).unsqueeze(0)
    top_10_i = (sim.topk(10, 1).indices == torch.arange(sim.shape[0]).unsqueeze(1)).permute(1, 0)
    a_recall = lambda p: float(top_10_a[0:p].any(0).to(sim).mean())  # noqa: E731
    i_recall = lambda p: float(top_10_i[0:p].any(0).to(sim).mean())  # noqa: E731
    return {"image_to_audio": [a_recall(k) for k in (1, 5, 10)],
            "audio_to_image": [i_recall(k) for k in (1, 5, 10)]}


def disentangle(scores, is_sound):
    """train.py `disentangle_validation` with sklearn AP in place of torchmetrics' binary_average_precision."""
    all_scores = torch.tensor(scores)
    all_scores -= all_scores.min(dim=0, keepdim=True).values
    all_scores /= all_scores.max(dim=0, keepdim=True).values.clamp_min(.0001)
    is_words = torch.tensor(~is_sound)
    ap, act = np.zeros((2, 2)), np.zeros((2, 2))
    for head in range(2):
        for d in range(2):
            labels = is_words if d == 0 else ~is_words
            ap[head, d] = sklearn_ap(all_scores[:, head].numpy(), labels.numpy())
            act[head, d] = float(1 - all_scores[:, head][labels].mean())
    return {"pred_dis": max(.5 * (ap[0, 0] + ap[1, 1]), .5 * (ap[0, 1] + ap[1, 0])),
            "act_dis": max(.5 * (act[0, 0] + act[1, 1]), .5 * (act[0, 1] + act[1, 0])),
            "ap": ap.tolist(), "act": act.tolist()}


def normalize_img(value):
    """LVS utils.normalize_img (float32 throughout, a constant map is left unchanged)."""
    vmin, vmax = value.min(), value.max()
    if not (vmax - vmin) == 0:
        value = (value - vmin) / (vmax - vmin)
    return value


def lvs_ciou(heatmap, gt_map):
    """LVS test.py per image: pred = 1 - normalize(-heatmap); pixels above the value at sorted rank int(H*W/2)
    become 1, the rest below 1 become 0; cal_CIOU(pred, gt, 0.5)."""
    pred = 1 - normalize_img(-heatmap)
    threshold = np.sort(pred.flatten())[int(pred.shape[0] * pred.shape[1] / 2)]
    pred[pred > threshold] = 1
    pred[pred < 1] = 0
    infer_map = np.zeros(pred.shape)
    infer_map[pred >= 0.5] = 1
    with np.errstate(invalid="ignore"):
        return float(np.sum(infer_map * gt_map) / (np.sum(gt_map) + np.sum(infer_map * (gt_map == 0))))


def lvs_summary(cious):
    cious = np.array(cious)
    results = [np.sum(cious >= 0.05 * i) / len(cious) for i in range(21)]
    return {"ciou_at_05": float(np.sum(cious >= 0.5) / len(cious)),
            "auc": float(auc([0.05 * i for i in range(21)], results))}


def lvs_box_mask(h, w, boxes):
    """LVS testset_gt (vggss): union of temp[ymin:ymax, xmin:xmax] = 1."""
    gt_map = np.zeros([h, w])
    for xmin, ymin, xmax, ymax in boxes:
        temp = np.zeros([h, w])
        temp[ymin:ymax, xmin:xmax] = 1
        gt_map += temp
    gt_map[gt_map > 0] = 1
    return gt_map


# ------------------------------------------------------------------ cases

def ranking_inputs(rng):
    """(name, float32 scores, bool labels): ties, constant, signed zeros, no/all positives, tiny to ~50k."""
    def correlated(n, levels=None):
        gt = rng.random(n) < 0.3
        s = rng.normal(size=n) + 1.2 * gt
        if levels is not None:
            s = np.round((s - s.min()) / (s.max() - s.min()) * (levels - 1)) / (levels - 1)
        return s.astype(np.float32), gt

    cases = [("sklearn_doc_4", np.array([0.1, 0.4, 0.35, 0.8], np.float32), np.array([0, 0, 1, 1], bool)),
             ("single_1", np.array([0.7], np.float32), np.array([True]))]
    s, g = correlated(17, 4)
    cases.append(("ties_4_levels_17", s, g))
    s, g = correlated(1000, 5)
    cases.append(("ties_5_levels_1000", s, g))
    s, g = correlated(224 * 224, 256)
    cases.append(("ties_256_levels_50176", s, g))
    s, g = correlated(20000)
    cases.append(("continuous_20000", s, g))
    cases.append(("constant_300", np.full(300, 0.25, np.float32), rng.random(300) < 0.4))
    z = rng.choice(np.array([-1.0, -0.0, 0.0, 0.5], np.float32), size=200)
    cases.append(("signed_zero_ties_200", z, rng.random(200) < 0.5))
    s, _ = correlated(100, 7)
    cases.append(("no_positives_100", s, np.zeros(100, bool)))
    cases.append(("all_positives_100", s, np.ones(100, bool)))
    s, g = correlated(500)
    g[:] = False
    g[np.argmax(s)] = True
    cases.append(("one_positive_at_top_500", s, g))
    return cases


def ranking_goldens(rng):
    out = []
    for name, scores, labels in ranking_inputs(rng):
        e = {"name": name, "n": int(scores.size), "positives": int(labels.sum()),
             "scores": save_npy(f"rank_{name}_scores.npy", scores, np.float32),
             "labels": save_npy(f"rank_{name}_labels.npy", labels, np.uint8),
             "sklearn_ap": sklearn_ap(scores, labels),
             "iou": multi_iou_numpy(scores, labels), "iou_torch": multi_iou_torch(scores, labels)}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p, r, t = precision_recall_curve(labels.astype(np.int64), scores)
        if t.size <= CURVE_MAX_THRESHOLDS:
            e["curve"] = {"precision": floats(p), "recall": floats(r), "thresholds": floats(t)}
        out.append(e)
    return out


def recall_goldens(rng):
    n = 50
    sim = (rng.normal(size=(n, n)) + 2.0 * np.eye(n)).astype(np.float32)
    assert all(np.unique(sim[i]).size == n and np.unique(sim[:, i]).size == n for i in range(n)), "no ties"
    e = {"name": "random_50x50", "sim": save_npy("recall_sim_50x50.npy", sim, np.float32), "ks": [1, 5, 10]}
    e.update(calc_recalls(torch.tensor(sim)))
    return [e]


def subset_goldens():
    out = []
    for n, size, seed in [(5000, 1000, 0), (10, 10, 0), (1, 1, 0), (7, 3, 12345), (100, 20, 2 ** 32 - 1),
                          (70000, 50, 3)]:
        np.random.seed(seed)
        out.append({"n": n, "size": size, "seed": seed, "indices": [int(i) for i in np.random.permutation(n)[:size]]})
    return out


def disentangle_goldens(rng):
    out = []
    for name, n_speech, n_sound, swap, levels in [("separated_1000x1000", 1000, 1000, False, None),
                                                  ("swapped_heads_300x200", 300, 200, True, None),
                                                  ("quantised_ties_150x250", 150, 250, False, 6)]:
        is_sound = np.r_[np.zeros(n_speech, bool), np.ones(n_sound, bool)]
        speech_head = rng.normal(size=is_sound.size) + 1.5 * ~is_sound
        sound_head = 0.5 * rng.normal(size=is_sound.size) + 1.0 * is_sound - 3.0
        scores = np.stack([sound_head, speech_head] if swap else [speech_head, sound_head], axis=1)
        if levels is not None:
            scores = np.round(scores * levels / 4) * 4 / levels
        scores = scores.astype(np.float32)
        e = {"name": name, "scores": save_npy(f"dis_{name}_scores.npy", scores, np.float32),
             "is_sound": save_npy(f"dis_{name}_is_sound.npy", is_sound, np.uint8)}
        e.update(disentangle(scores, is_sound))
        out.append(e)
    return out


def heat_blob(rng, h, w, levels):
    """A smooth blob plus noise, quantised to `levels` grey levels and stored as uint8 (heatmap = u8 / 255)."""
    yy, xx = np.mgrid[0:h, 0:w]
    cy, cx, r = rng.uniform(0.2, 0.8) * h, rng.uniform(0.2, 0.8) * w, rng.uniform(0.1, 0.4) * min(h, w)
    m = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r * r)) + 0.2 * rng.random((h, w))
    m = (m - m.min()) / (m.max() - m.min())
    return np.round(np.round(m * (levels - 1)) * 255 / (levels - 1)).astype(np.uint8)


def random_boxes(rng, h, w, count):
    boxes = []
    for _ in range(count):
        x1, y1 = int(rng.integers(0, w)), int(rng.integers(0, h))
        boxes.append([x1, y1, max(0, int(x1 + rng.integers(-2, w))), max(0, int(y1 + rng.integers(-2, h)))])  # empty/overflow
    return boxes


def localization_goldens(rng):
    images = []
    specs = [("blob_224_256_levels", 224, 224, 256, 2), ("blob_224_6_levels", 224, 224, 6, 1),
             ("constant_224", 224, 224, 1, 1)] + [(f"small_{i:02d}", 12 + i % 5, 16 + i % 3, 3 + i, 1 + i % 3)
                                                 for i in range(40)]
    for name, h, w, levels, nbox in specs:
        hm8 = heat_blob(rng, h, w, levels) if levels > 1 else np.full((h, w), 128, np.uint8)
        boxes = random_boxes(rng, h, w, nbox)
        if name == "small_03":
            boxes = [[3, 3, 3, 9]]  # an empty gt map: LVS then divides 0 by the predicted area
        gt = lvs_box_mask(h, w, boxes)
        heatmap = hm8.astype(np.float32) / np.float32(255)
        images.append({"name": name, "h": h, "w": w, "boxes": boxes,
                       "heatmap_u8": save_npy(f"loc_{name}_heatmap_u8.npy", hm8, np.uint8),
                       # the 224x224 masks are left to boxMask (proven on the small ones) to keep the goldens small
                       "gt": save_npy(f"loc_{name}_gt.npy", gt, np.uint8) if h * w <= 1024 else None,
                       "ciou": nan_to_none(lvs_ciou(heatmap, gt))})
    per_image = [e["ciou"] if e["ciou"] is not None else float("nan") for e in images]
    grid = [0.05 * i for i in range(21)]
    synthetic = np.r_[rng.random(996), grid, [0.5, 0.0, 1.0, np.nan]]  # exact grid values test the >=; NaN fails all
    return {"images": images,
            "summaries": [dict(name="images", cious=[nan_to_none(c) for c in per_image], **lvs_summary(per_image)),
                          dict(name="synthetic_1020", cious=[nan_to_none(c) for c in synthetic], **lvs_summary(synthetic))]}


def build():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    rng = np.random.default_rng(20240611)
    index = {"generator": "test-fixtures/generate_metrics.py",
             "versions": {"torch": torch.__version__, "numpy": np.__version__, "sklearn": sklearn.__version__},
             "iou_thresholds": IOU_THRESHOLDS,
             "ranking": ranking_goldens(rng),
             "recall": recall_goldens(rng),
             "subset": subset_goldens(),
             "disentanglement": disentangle_goldens(rng),
             "localization": localization_goldens(rng)}
    write_text(OUT / "index.json", json.dumps(index, indent=1) + "\n")
    return index
