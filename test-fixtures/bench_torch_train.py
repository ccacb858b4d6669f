#!/usr/bin/python3
"""PyTorch anchor for `denseav bench train --only tiny`: one training step (forward + backward, every loss term at
the tuxpaint-tiny weights) of the tiny model in the independent torch reference (denseav_ref.py + the loss terms of
loss_goldens.py), batch 16, 224² images, the model's own clip length, random inputs; median of --runs after a warm-up.

    /usr/bin/python3 test-fixtures/bench_torch_train.py cli/src/main/resources/io/denseav/cli/default-model
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402

from denseav_fixtures import denseav_ref as ref  # noqa: E402
from denseav_fixtures import loss_goldens as L  # noqa: E402
from denseav_fixtures.writers import read_safetensors  # noqa: E402

# the tuxpaint-tiny preset's weights (training/.../Presets.java)
WEIGHTS = dict(nce=1.0, cal_balance=0.1, nonneg=0.001, silence_l1=0.001, neg_audio=0.001, tv=0.001,
               disentangle=0.01, specialize=0.005, image_mixup=0.01)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    hp = json.loads((Path(a.model_dir) / "config.json").read_text())
    sd, _ = read_safetensors(Path(a.model_dir) / "model.safetensors")
    model = ref.DenseAVRef(ref.arch_from_hparams(hp), sd, torch.float32).train()
    for p in model.parameters():
        p.requires_grad_(True)
    B, K = a.batch, int(hp["sim_agg_heads"])
    g = torch.Generator().manual_seed(0)
    image = torch.randn(B, 3, 224, 224, generator=g)
    audio = torch.randn(B, int(hp["audio_samples"]), generator=g)

    def step():
        v = model.forward_image(image)["feats"]
        a_ = model.forward_audio(audio)["feats"]
        T, h, w = a_.shape[-1], v.shape[-2], v.shape[-1]
        mask = torch.zeros(B, T)
        mask[:, : max(1, T // 2)] = 1
        bi = torch.randint(0, B, (L.N_SAMPLES,), generator=g)
        c = dict(heads=K, frame_mask=mask, pos_mask=mask.clone(), source=torch.zeros(B, dtype=torch.int64),
                 image_mask=torch.ones(B, 1, h, w),
                 nonneg_audio_rows=bi * T + torch.randint(0, T, (L.N_SAMPLES,), generator=g),
                 nonneg_image_rows=bi * h * w + torch.randint(0, h * w, (L.N_SAMPLES,), generator=g))
        terms, _ = L.all_terms(a_, v, model.sim_cal.w, c)
        loss = L.total(terms, WEIGHTS)
        model.zero_grad(set_to_none=True)
        loss.backward()
        return float(loss)

    step()
    times = []
    for _ in range(a.runs):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    m = statistics.median(times)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads: tuxpaint-tiny batch {B}: {m:.2f} s/step, "
          f"{B / m:.2f} samples/s")


if __name__ == "__main__":
    main()
