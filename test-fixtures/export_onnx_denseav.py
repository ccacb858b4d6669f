#!/usr/bin/python3
"""ONNX export of the whole DenseAV-2head eval pipeline, as an ONNX Runtime timing anchor for Java.

    /usr/bin/python3 test-fixtures/export_onnx_denseav.py OUT_DIR [--weights CKPT] [--case DIR] [--opset 13]

  OUT_DIR/denseav_2head.onnx   inputs  "image" [1,3,224,224] (ImageNet-normalised),
                                       "audio" [1,164200] (Wav2Vec2-normalised),
                                       "audio_mask" [1,164200] (1 = real sample)
                               outputs "scores_per_head" [1,1,2] (per-head MISA; retrieval = sum),
                                       "paired_volume" [1,2,28,28,1,56], "heatmap" [1,28,28]

The graph is denseav_fixtures/denseav_ref.py's EvalPipeline in float32 (LoRA merged into the qkv
weights, HuBERT weight norm folded into the positional conv weight).  Weights: --weights (a
checkpoint from make_fullsize_denseav.py) if it exists, else the same seeded weights regenerated.
With --case (default: the case_eval beside --weights) the traced module is run on that case's
inputs and compared with its float64 goldens, and the ONNX graph is checked with a minimal
protobuf reader (export_onnx_backbones.onnx_summary); torch 1.13 exports without the onnx package.
Peak RSS about 9 GB.
"""

import argparse
import resource
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # keep test-fixtures/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

from bench_torch_denseav import load_model  # noqa: E402
from denseav_fixtures import backbones as bb  # noqa: E402
from denseav_fixtures import denseav_ref as ref  # noqa: E402
from export_onnx_backbones import onnx_summary  # noqa: E402
from make_fullsize_denseav import SAMPLES, SIZE  # noqa: E402

INPUTS = ["image", "audio", "audio_mask"]
OUTPUTS = ["scores_per_head", "paired_volume", "heatmap"]


def check_case(pipe, case):
    """The export module (float32) on a case's inputs against its float64 goldens."""
    x = [torch.from_numpy(np.load(case / f"{n}.npy")) for n in INPUTS]
    with torch.no_grad():
        got = pipe(*x)
    errs = {n: bb.rel_err(g, torch.from_numpy(np.load(case / f"{n}.npy"))) for n, g in zip(OUTPUTS, got)}
    print(f"  torch float32 export module vs {case} goldens: " + ", ".join(f"{k} {v:.2e}" for k, v in errs.items()))
    assert max(errs.values()) < 1e-5, errs


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--weights", default="/tmp/fullsize_denseav/denseav_2head/model.ckpt")
    ap.add_argument("--case", help="case dir with inputs and goldens (default: case_eval beside --weights)")
    ap.add_argument("--opset", type=int, default=13)
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    weights = Path(args.weights) if args.weights and Path(args.weights).exists() else None
    t = time.time()
    model = load_model(weights)
    print(f"weights: {weights or 'seeded (make_fullsize_denseav.py), regenerated'}; built in {time.time() - t:.1f}s")
    nn.utils.remove_weight_norm(model.hubert.encoder.transformer.pos_conv_embed.conv)
    pipe = ref.EvalPipeline(model).eval()
    case = Path(args.case) if args.case else (weights.parent / "case_eval" if weights else None)
    if case is not None and (case / "image.npy").exists():
        check_case(pipe, case)
    else:
        print("  no case goldens found: numeric check skipped")
    path = out / "denseav_2head.onnx"
    example = (torch.zeros(1, 3, SIZE, SIZE), torch.zeros(1, SAMPLES), torch.ones(1, SAMPLES))
    t = time.time()
    # grad mode on: under no_grad nn.MultiheadAttention takes its fused fast path, which has no ONNX symbolic
    torch.onnx.export(pipe, example, str(path), opset_version=args.opset, input_names=INPUTS,
                      output_names=OUTPUTS, do_constant_folding=True)
    s = onnx_summary(path)
    print(f"  exported {path} ({path.stat().st_size:,d} bytes) in {time.time() - t:.1f}s; opset {s['opset']}; "
          f"inputs {s['inputs']} outputs {s['outputs']}; {s['initializers']} initializers")
    print("  ops:", dict(s["ops"].most_common()))
    assert s["inputs"] == [("image", [1, 3, SIZE, SIZE]), ("audio", [1, SAMPLES]), ("audio_mask", [1, SAMPLES])]
    # the mask Resize takes its size from the traced T_a, so the exporter leaves the output dims symbolic
    assert [(n, len(d)) for n, d in s["outputs"]] == [("scores_per_head", 3), ("paired_volume", 6), ("heatmap", 3)]
    t_a = ref.aligned_frames(bb.hubert_frames(SAMPLES))
    print(f"  at run time: scores_per_head [1,1,2], paired_volume [1,2,{SIZE // 8},{SIZE // 8},1,{t_a}], "
          f"heatmap [1,{SIZE // 8},{SIZE // 8}]")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
