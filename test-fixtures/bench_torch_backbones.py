#!/usr/bin/python3
"""CPU timing anchor for the Java backbones: PyTorch forward passes with 2 threads.

    /usr/bin/python3 test-fixtures/bench_torch_backbones.py [--threads 2] [--runs 5]
        [--runs-batch8 3] [--only vit|hubert]

  * torchvision VisionTransformer ViT-S/8 (D=384, 12 layers, 6 heads, p=8, eps 1e-6),
    224x224, batch 1 and batch 8: patch embedding + class token + encoder (incl. final LN),
    no classifier head (the DINO backbone).
  * torchaudio hubert_large() (random init) on 164,200 samples, batch 1:
    feature_extractor + encoder (last hidden state).

eval mode, torch.inference_mode(); 2 warm-ups, then the median (and min) of --runs timed runs;
the spread shows how noisy the machine is.
GFLOPs are analytic: 2 x MACs of every Linear / conv layer plus the two attention
matmuls (Q K^T and A V); softmax, norms, GELU, adds are not counted.  Peak RSS from
getrusage.
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

from denseav_fixtures import backbones as bb  # noqa: E402

SAMPLES = 164_200


def vit_flops(B, D=384, L=12, p=8, H=224, W=224, mlp=4):
    n_patch = (H // p) * (W // p)
    N = n_patch + 1
    patch = 2 * n_patch * D * 3 * p * p
    linear = 2 * N * (3 * D * D + D * D + 2 * mlp * D * D)   # qkv, proj, fc1, fc2
    attn = 2 * 2 * N * N * D                                 # Q K^T and A V, all heads
    return B * (patch + L * (linear + attn))


def hubert_flops(B, samples=SAMPLES, C=1024, L=24, F=4096, conv=512, K=128, G=16):
    fl, t, cin = 0, samples, 1
    for k, s in bb.CONV_SHAPES:
        t = (t - k) // s + 1
        fl += 2 * t * conv * cin * k
        cin = conv
    T = t
    fl += 2 * T * conv * C                       # feature projection
    fl += 2 * T * C * (C // G) * K               # positional grouped conv
    fl += L * (2 * T * (4 * C * C + 2 * C * F) + 2 * 2 * T * T * C)
    return B * fl, T


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench(fn, x, warmup, runs):
    with torch.inference_mode():
        for _ in range(warmup):
            fn(x)
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            fn(x)
            times.append(time.perf_counter() - t)
    return statistics.median(times), times


def report(name, med, times, flops):
    print(f"{name:34s} median {med:8.3f} s (min {min(times):.3f})   runs {' '.join(f'{t:.3f}' for t in times)}   "
          f"{flops / 1e9:8.1f} GFLOP   {flops / med / 1e9:7.1f} GFLOP/s   peak RSS {rss_mb():,.0f} MB",
          flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--runs-batch8", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--only", choices=("vit", "hubert"))
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"{torch.backends.mkldnn.is_available() and 'mkldnn' or 'no mkldnn'}; "
          f"{args.warmup} warm-ups, median of the timed runs")
    if args.only in (None, "vit"):
        m = bb.torchvision_vit(384, 12, 6, 8, 28, 1e-6)

        def vit(x):
            t = m._process_input(x)
            return m.encoder(torch.cat([m.class_token.expand(x.shape[0], -1, -1), t], dim=1))
        for B, runs in ((1, args.runs), (8, args.runs_batch8)):
            x = torch.randn(B, 3, 224, 224)
            med, times = bench(vit, x, args.warmup, runs)
            report(f"torchvision ViT-S/8 224x224 b{B}", med, times, vit_flops(B))
        del m
    if args.only in (None, "hubert"):
        import torchaudio
        m = torchaudio.models.hubert_large().eval()

        def hubert(x):
            f, _ = m.feature_extractor(x, None)
            return m.encoder(f, None)
        fl, T = hubert_flops(1)
        x = torch.randn(1, SAMPLES)
        med, times = bench(hubert, x, args.warmup, args.runs)
        report(f"torchaudio hubert_large {SAMPLES} smp ({T} fr)", med, times, fl)
    print(f"peak RSS {rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
