#!/usr/bin/python3
"""CPU timing anchor for the Java DenseAV: the full DenseAV-2head eval pipeline in PyTorch.

    /usr/bin/python3 test-fixtures/bench_torch_denseav.py [--threads 2] [--runs 5] [--warmup 2]
        [--weights OUT_DIR/denseav_2head/model.ckpt]

One 224x224 image and one 164,200-sample clip (batch 1), eval mode, torch.inference_mode(), float32:
DINO ViT-S/8 (LoRA merged) + image aligner, HuBERT-Large + audio aligner (learned CLS, 6-head block),
mask interpolation, paired volume [1,2,28,28,1,56], all-pairs per-head MISA and max_elementwise
scores, heatmap (denseav_fixtures/denseav_ref.py).  The weights are the seeded ones of
make_fullsize_denseav.py (or --weights).  2 warm-ups, then the median (and min) of --runs timed
runs, with the median of each stage; peak RSS from getrusage.
"""

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # keep test-fixtures/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402

from bench_torch_backbones import hubert_flops, vit_flops  # noqa: E402
from denseav_fixtures import denseav_goldens as G  # noqa: E402
from denseav_fixtures import denseav_ref as ref  # noqa: E402
from make_fullsize_denseav import SAMPLES, SIZE, VALID, full_model_state  # noqa: E402


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_model(weights):
    if weights:
        sd, hp = G.load_layout(Path(weights))
        arch = ref.arch_from_hparams(hp)
    else:
        _, arch, sd = full_model_state()
    model = ref.DenseAVRef(arch, sd, torch.float32)
    del sd
    return model


def timed_run(model, image, audio, mask):
    """One pipeline pass, split into stages; returns {stage: seconds}."""
    K = model.arch["heads"]
    t0 = time.perf_counter()
    img = model.forward_image(image)["feats"]
    t1 = time.perf_counter()
    aud = model.forward_audio(audio)["feats"]
    t2 = time.perf_counter()
    m = ref.audio_mask_frames(mask, aud.shape[-1])
    P = ref.paired_volume(aud, img, m, K)
    s = ref.scores(aud, img, m, K)
    ref.heatmap(P, m)
    t3 = time.perf_counter()
    assert s["scores_per_head"].shape == (1, 1, K)
    return {"image (ViT-S/8 + aligner)": t1 - t0, "audio (HuBERT-L + aligner)": t2 - t1,
            "mask + volumes + scores + heatmap": t3 - t2, "total": t3 - t0}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--weights", help="a DenseAV checkpoint written by make_fullsize_denseav.py")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; {args.warmup} warm-ups, "
          f"median of {args.runs} runs; weights: {args.weights or 'seeded (make_fullsize_denseav.py)'}")
    t = time.time()
    model = load_model(args.weights)
    print(f"model built in {time.time() - t:.1f}s ({sum(p.numel() for p in model.parameters()):,d} parameters "
          f"after the LoRA merge; peak RSS {rss_mb():,.0f} MB)", flush=True)
    image = G.images(900, 1, SIZE, SIZE)
    audio, mask = G.audio(901, SAMPLES, (VALID,))
    runs = []
    with torch.inference_mode():
        for _ in range(args.warmup):
            timed_run(model, image, audio, mask)
        for _ in range(args.runs):
            runs.append(timed_run(model, image, audio, mask))
    fl_vit = vit_flops(1)
    fl_hub, t_h = hubert_flops(1)
    for stage in runs[0]:
        times = [r[stage] for r in runs]
        print(f"  {stage:36s} median {statistics.median(times):8.3f} s  (min {min(times):.3f})   "
              f"runs {' '.join(f'{x:.3f}' for x in times)}")
    med = statistics.median(r["total"] for r in runs)
    print(f"DenseAV-2head {SIZE}x{SIZE} + {SAMPLES} samples ({t_h} HuBERT frames): median {med:.3f} s per "
          f"pair; backbones {(fl_vit + fl_hub) / 1e9:.1f} GFLOP ({(fl_vit + fl_hub) / med / 1e9:.1f} GFLOP/s); "
          f"peak RSS {rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
