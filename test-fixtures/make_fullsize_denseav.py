#!/usr/bin/python3
"""FULL-SIZE DenseAV-2head goldens (not committed): ViT-S/8 (384) + HuBERT-Large (1024), code 384,
K=2, a 6-head aligner block, LoRA r=8 (alpha 32); seeded random weights, same file layout and
case.json as generate_denseav.py.

    /usr/bin/python3 test-fixtures/make_fullsize_denseav.py OUT_DIR [--hf] [--no-crosscheck] [--no-check]

  OUT_DIR/denseav_2head/model.ckpt     Lightning 1.9.4 dict, peft 0.5 names (~1.37 GB)
  OUT_DIR/denseav_2head_hf/            model.safetensors + config.json (only with --hf)
  OUT_DIR/denseav_2head/case_eval/     224x224 image, 164,200-sample clip with 120,000 real samples
                                       (batch 1): the files of the tiny case_eval (image_feats
                                       [1,384,28,28], audio_feats [1,384,1,56], paired_volume
                                       [1,2,28,28,1,56], scores_* [1,1(,2)], heatmap [1,28,28], ...)

The state dict is generated once (numpy, seeded, one tensor at a time) and held in memory
(1.37 GB; the forward passes need it anyway); torch.save streams it storage by storage.  The
reference runs in float64 (golden) and float32 (check, <= 1e-5); --no-crosscheck skips the
DINO-layout / HF-layout module cross-check (another float64 pass).  --no-check skips reading the
written checkpoint back.  About 5 minutes on 2 cores; peak RSS about 7 GB.
"""

import argparse
import resource
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # keep test-fixtures/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402

from denseav_fixtures import denseav_goldens as G  # noqa: E402
from denseav_fixtures import denseav_ref as ref  # noqa: E402
from denseav_fixtures.shapes import numel  # noqa: E402
from denseav_fixtures.clock import Clock  # noqa: E402

SEED = 800          # weights; bench_torch_denseav.py and export_onnx_denseav.py regenerate the same ones
SAMPLES, VALID, SIZE = 164_200, 120_000, 224


def full_model_state():
    """(hparams, arch, state dict) of the seeded full-size DenseAV-2head."""
    hp = G.hparams(2, True, tiny=False)
    arch = ref.arch_from_hparams(hp)
    sd = G.denseav_state(arch, True, SEED)
    n = sum(v.numel() for v in sd.values())
    assert n == 341_346_817, n
    return hp, arch, sd


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--hf", action="store_true", help="also write denseav_2head_hf/ (safetensors + config.json)")
    ap.add_argument("--no-crosscheck", action="store_true")
    ap.add_argument("--no-check", action="store_true")
    args = ap.parse_args(argv)
    torch.manual_seed(0)
    out = Path(args.out) / "denseav_2head"
    out.mkdir(parents=True, exist_ok=True)
    t0, tick = time.time(), Clock()
    hp, arch, sd = full_model_state()
    tick(f"weights: {len(sd)} tensors, {sum(v.numel() for v in sd.values()):,d} parameters")
    G.write_ckpt(out / "model.ckpt", sd, hp, SEED + 1)
    tick(f"wrote model.ckpt ({(out / 'model.ckpt').stat().st_size:,d} bytes)")
    if args.hf:
        G.write_hf(Path(args.out) / "denseav_2head_hf", sd, hp)
        tick("wrote denseav_2head_hf/")
    if not args.no_check:
        got, ghp = G.load_layout(out / "model.ckpt")
        assert list(got) == list(sd) and all(torch.equal(got[k], v) for k, v in sd.items())
        assert ref.arch_from_hparams(ghp) == arch
        del got
        tick("model.ckpt read back (torch.load): same keys, order and values")

    image = G.images(900, 1, SIZE, SIZE)
    wav, mask = G.audio(901, SAMPLES, (VALID,))
    meta = dict(model="denseav_2head", weights=["../model.ckpt"],
                what=f"eval mode, {SIZE}x{SIZE} image, {SAMPLES} samples of which {VALID} real (zero padding after)")
    _, checks = G.build_case(out / "case_eval", arch, sd, image, wav, mask, False, meta,
                             crosscheck=not args.no_crosscheck, log=tick)
    for k, v in checks.items():
        print(f"    {k:50s} {v:.3e}")
    for p in sorted(out.rglob("*")):
        if p.is_file():
            print(f"{p.stat().st_size:14,d}  {p.relative_to(out.parent)}")
    print(f"{len(sd)} tensors, {sum(numel(v.shape) for v in sd.values()):,d} parameters; done in "
          f"{time.time() - t0:.1f}s; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
