#!/usr/bin/python3
"""DenseAV training-loss goldens for the Java port (module training): every loss term of
shared/spec/denseav-reference.md section 4, written independently in float64 torch
(denseav_fixtures/loss_goldens.py), with autograd gradients.

    /usr/bin/python3 test-fixtures/generate_losses.py

Writes test-fixtures/src/main/resources/fixtures/losses/ (rebuilt from scratch; seeded, the same
bytes on every run), one folder per case:

  k2/   B=3, K=2, code=8, 3x3, T=100: 260 masked-out frames, so silence L1 is on (250 sampled);
        w_log = -0.35 (calibration balance on); disentanglement weight 0.5
  k1/   B=3, K=1, 2x3 (h != w), T=5: silence off (< 250 masked-out frames), no specialisation or
        disentanglement, w_log = 0.5 (balance inactive), default weights
  k4/   B=2, K=4 (class blocks of 2 heads), 2x2, T=6: w_log = 4.8 (w clamped to 100, so no w_log
        gradient), disentanglement weight 0.2

Each folder: the inputs (audio, image, w_log, frame_mask, pos_mask, source, image_mask_full
[B,1,H,W] and its adaptive-average-pooled image_mask [B,1,h,w], the sampled rows), the score
matrix S, grad_<term>_<audio|image|w_log>.npy for every term and "total" (zeros where the term
does not depend on that input), all float64 (rows and source int64), and case.json with the
shapes, the weights and every term's value.
"""

import shutil
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep test-fixtures/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from denseav_fixtures import loss_goldens as L  # noqa: E402
from denseav_fixtures.ops_goldens import dump_json  # noqa: E402
from denseav_fixtures.writers import tree_summary, write_text  # noqa: E402

OUT = Path(__file__).resolve().parent / "src" / "main" / "resources" / "fixtures" / "losses"

CASES = {
    "k2": dict(seed=900, B=3, K=2, code=8, h=3, w=3, T=100, lengths=[5, 15, 20], mask_hw=(12, 12),
               w_log=-0.35, source=[0, 1, 1], weights=dict(disentangle=0.5)),
    "k1": dict(seed=901, B=3, K=1, code=8, h=2, w=3, T=5, lengths=[5, 3, 4], mask_hw=(8, 12),
               w_log=0.5, source=[1, 0, 1], weights={}),
    "k4": dict(seed=902, B=2, K=4, code=8, h=2, w=2, T=6, lengths=[6, 4], mask_hw=(8, 8),
               w_log=4.8, source=[1, 0], weights=dict(disentangle=0.2)),
}
INPUTS = ("audio", "image", "w_log", "frame_mask", "pos_mask", "source", "image_mask_full", "image_mask",
          "nonneg_audio_rows", "nonneg_image_rows", "silence_rows")


def save(path, t):
    a = t.detach().contiguous().numpy()
    a = a.astype("<i8" if a.dtype.kind in "iu" else "<f8", copy=False)
    np.save(str(path), a)


def alternatives(c):
    """How far the readings the Java port must NOT use would move a term (relative), so a golden
    that could not tell them apart is visible."""
    K = c["heads"]
    P = L.paired_volume(c["audio"], c["image"], c["frame_mask"], K)
    out = {}
    neg = (1 - c["image_mask"])[:, :, :, :, None].expand_as(P)
    ref = L.image_mixup(P, c["image_mask"])
    out["mixup_square_outside_sum"] = float(abs((P * neg).sum().square() / neg.sum().clamp_min(0.1) / ref - 1))
    out["mixup_mask_sum_not_broadcast"] = float(abs((P * neg).square().sum()
                                                    / (1 - c["image_mask"]).sum().clamp_min(0.1) / ref - 1))
    if K >= 4 and K % 2 == 0:
        oh = torch.nn.functional.one_hot(c["source"], 2)
        tiled = (1 - oh.repeat(1, K // 2)).to(P.dtype)       # [c0,c1,c0,c1,...] instead of class blocks
        alt = torch.einsum("bkhwt,bk->bhwt", P, tiled).square().mean()
        out["disentangle_tiled_heads"] = float(abs(alt / L.disentangle(P, c["source"], K) - 1))
    return out


def main():
    torch.manual_seed(0)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    for name, spec in CASES.items():
        c = L.make_case(**spec)
        values, grads, S = L.evaluate(c)
        d = OUT / name
        d.mkdir()
        for k in INPUTS:
            if k in c:
                save(d / f"{k}.npy", c[k])
        save(d / "scores.npy", S)
        for (term, wrt), g in grads.items():
            save(d / f"grad_{term}_{wrt}.npy", g)
        checks = alternatives(c)
        doc = {"what": spec_line(name, spec, c),
               "shape": {k: c[k] for k in ("batch", "heads", "code", "h", "w", "t")},
               "n_samples": L.N_SAMPLES, "cal_init": L.CAL_INIT,
               "silence_active": "silence_rows" in c,
               "weights": c["weights"], "values": values, "alternatives_relative_change": checks,
               "reference": "test-fixtures/denseav_fixtures/loss_goldens.py (float64 torch autograd, from the spec)"}
        write_text(d / "case.json", dump_json(doc))
        print(name, {k: f"{v:.6g}" for k, v in values.items()})
        print("   alternatives:", {k: f"{v:.3g}" for k, v in checks.items()})
        assert all(v > 1e-3 for v in checks.values()), checks
    total, files, digest = tree_summary(OUT)
    print(f"total {total:,d} bytes in {files} files; sha256 of the tree {digest}")
    assert total < 1_000_000, total


def spec_line(name, spec, c):
    return (f"{name}: B={spec['B']}, K={spec['K']}, code={spec['code']}, {spec['h']}x{spec['w']}, T={spec['T']}, "
            f"valid frames {spec['lengths']}, w_log={spec['w_log']}, source {spec['source']}, "
            f"silence {'on' if 'silence_rows' in c else 'off (< 250 masked-out frames)'}")


if __name__ == "__main__":
    main()
