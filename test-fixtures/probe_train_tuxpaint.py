#!/usr/bin/python3
"""Training probe: the tuxpaint-tiny DenseAV in the independent torch reference (denseav_ref.py, loss_goldens.py),
trained from scratch on a TuxPaint-AV folder with InfoNCE (and optionally L_Dis), about 3x faster per step than the
JVM trainer on this CPU, to try recipes before running `denseav train`. Prints the training InfoNCE, the spread of
the similarity matrix, and every 4th report the held-out retrieval R@10 (audio -> the prompt's own picture among the
distinct test pictures, by prompt kind) against chance, and the R@1/5/10 of `denseav eval retrieval` (both directions,
all test prompts).

    /usr/bin/python3 test-fixtures/probe_train_tuxpaint.py --data /tmp/tux --steps 300 --kinds sound

Not the JVM trainer: no augmentation beyond --crop (a square random crop + flip), clips start at 0 and are padded to
the model's length, weights start from torch's default initialisation of the same modules.
"""

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from denseav_fixtures import backbones as bb  # noqa: E402
from denseav_fixtures import denseav_ref as ref  # noqa: E402
from denseav_fixtures import loss_goldens as L  # noqa: E402
from denseav_fixtures.probe_data import Data, clip_mean, own_picture_recall10, protocol_recall  # noqa: E402
from denseav_fixtures.writers import read_safetensors  # noqa: E402

MODEL = Path(__file__).resolve().parent.parent / "cli/src/main/resources/io/denseav/cli/default-model"


def args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="a `denseav dataset tuxpaint` folder")
    ap.add_argument("--steps", type=int, default=300, help="0: only report the held-out R@10 of --init")
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--seed", type=int, default=0, help="torch and Python random seed")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--every", type=int, default=50)
    ap.add_argument("--kinds", default="speech,tts,sound", help="prompt kinds trained on (speech = recorded name)")
    ap.add_argument("--sound-first", type=int, default=0, help="steps of sound prompts only before the rest")
    ap.add_argument("--speech-share", type=float, default=-1, help="after --sound-first: P(speech prompt); -1 = as in the data")
    ap.add_argument("--kind-batches", action="store_true", help="every batch holds one prompt kind (drawn by its "
                    "share of the prompts), so the kinds never meet as negatives")
    ap.add_argument("--crop", type=float, default=1.0, help="smallest area fraction of a random square crop (1 = none)")
    ap.add_argument("--agg", choices=["misa", "gap"], default="misa", help="gap = global average pooling of the image")
    ap.add_argument("--center", action="store_true", help="double-centre S (rows and columns) before InfoNCE")
    ap.add_argument("--audio-var", type=float, default=0.0, help="VICReg-style variance term on the clips' "
                    "time-mean audio features over the batch: mean over channels of relu(1 - std)")
    ap.add_argument("--audio-cov", type=float, default=0.0, help="VICReg-style covariance term: squared "
                    "off-diagonal covariance of those features / channels")
    ap.add_argument("--dis", type=float, default=0.0, help="L_Dis weight")
    ap.add_argument("--conv-dim", type=int, default=16, help="HuBERT-style conv extractor width")
    ap.add_argument("--conv", help="the conv extractor as dim:kernel:stride,... (e.g. 64:400:160,64:3:2, a "
                    "spectrogram-like first layer: 25 ms windows every 10 ms), not the preset's 7 HuBERT layers")
    ap.add_argument("--init", help="start from this model folder (e.g. a 1-step `denseav train --export`), not torch's init")
    ap.add_argument("--jvm-aug", action="store_true", help="the JVM trainer's image augmentation (torchvision "
                    "RandomResizedCrop(scale (--crop, 1)), flip, ColorJitter 0.2, RandomGrayscale 0.1) instead of --crop's")
    ap.add_argument("--jvm-update", action="store_true", help="the JVM trainer's update: each parameter's gradient "
                    "clipped to norm 10 on its own, Adam eps 1e-7 (else global clipping, eps 1e-8)")
    ap.add_argument("--oracle-audio", action="store_true", help="diagnostic: a learned vector per clip in place of "
                    "the audio tower (is the audio encoder what learns slowly?)")
    ap.add_argument("--oracle-level", choices=["code", "hidden"], default="code", help="--oracle-audio replaces the "
                    "whole tower (a code vector per clip) or only HuBERT (a hidden vector per clip, N(0, 1), fed to the "
                    "audio aligner: is the aligner what stalls?)")
    ap.add_argument("--oracle-init", choices=["random", "tower", "tower-centered", "tower-standardized", "tower-whitened",
                                                    "tower-kind-centered"], default="random",
                    help="--oracle-audio vectors start as N(0, 0.1^2), as each clip's masked time-mean of the untrained "
                    "tower's features (after any --audio-warmup), or as those centred over the clips and scaled to std 0.1 "
                    "(overall, per channel, whitened: ZCA, or with each prompt kind's mean removed first)")
    ap.add_argument("--audio-warmup", type=int, default=0, help="steps of audio-only instance discrimination first "
                    "(two shifted, rescaled views of each clip must match; SimCLR-style, temperature 0.1)")
    ap.add_argument("--warmup-target", choices=["views", "random"], default="views",
                    help="--audio-warmup's target: the other view (SimCLR) or a fixed random unit code per clip "
                    "(noise as targets: a softmax over all clips' codes)")
    ap.add_argument("--warmup-batch", type=int, default=0, help="clips per --audio-warmup batch (0 = --batch)")
    ap.add_argument("--warmup-lr", type=float, default=0.0, help="--audio-warmup learning rate (0 = --lr)")
    ap.add_argument("--warm-file", help="--audio-warmup's weights: loaded from this file when it exists (the warm-up "
                    "is then skipped), else saved there after it")
    ap.add_argument("--pool-time", action="store_true", help="diagnostic: every audio frame replaced by the clip's "
                    "masked time-mean (as --oracle-audio's constant vectors)")
    ap.add_argument("--warmup-keep", type=float, default=0.0, help="after a --warmup-target random warm-up: its "
                    "loss on each training batch's clips, at this weight, added to InfoNCE")
    ap.add_argument("--oracle-rank", type=int, default=0, help="--oracle-audio's vectors as z_i W: a fixed random "
                    "z_i in R^D per clip times one trainable D x code matrix (0 = a free vector per clip)")
    ap.add_argument("--freeze-oracle", action="store_true", help="--oracle-audio's vectors stay where they start")
    ap.add_argument("--audio-scale", type=float, default=1.0, help="diagnostic: the audio features times this "
                    "(e.g. 0.2 brings a frozen tower's frames, norm 2-4, to the --oracle-audio vectors' 0.57)")
    ap.add_argument("--warmup-kind-batches", action="store_true", help="every --audio-warmup batch holds one "
                    "prompt kind's clips")
    ap.add_argument("--tile-audio", action="store_true", help="loop each clip to the model's length instead of "
                    "zero-padding it (every frame carries sound)")
    ap.add_argument("--audio-bn", type=float, default=0.0, help="diagnostic: each channel of the audio features "
                    "standardised over the batch's valid frames and scaled to this std (as the oracle's 0.1)")
    ap.add_argument("--audio-lr", type=float, default=1.0, help="learning-rate factor of the audio tower")
    ap.add_argument("--freeze-audio", choices=["none", "all", "hubert"], default="none",
                    help="after --audio-warmup: freeze the whole audio tower, or its HuBERT encoder only")
    ap.add_argument("--audio-hidden", type=int, default=0, help="HuBERT-style encoder width (4 heads, MLP 4x; 0 = "
                    "the preset's 64), the audio aligner and audio_cls widened to match")
    ap.add_argument("--warmup-level", choices=["code", "hidden"], default="code", help="--audio-warmup on the "
                    "aligner's output (code_dim wide) or on HuBERT's last hidden state (its width)")
    ap.add_argument("--warmup-samples", type=int, default=0, help="--audio-warmup clips cut to this many samples "
                    "(0 = the model's length): cheaper steps when the prompts are shorter than the model's clips")
    ap.add_argument("--plain", action="store_true", help="black out the background (stamps only, from the seg maps)")
    a = ap.parse_args()
    if a.warmup_keep and a.warmup_level == "hidden":
        ap.error("--warmup-keep scores the aligner's output: it needs --warmup-level code")
    if a.init and (a.audio_hidden or a.conv or a.conv_dim != 16):
        ap.error("--init loads a whole model: --audio-hidden, --conv and --conv-dim would be ignored")
    return a


def model_from_scratch(a):
    folder = Path(a.init) if a.init else MODEL
    hp = json.loads((folder / "config.json").read_text())
    sd, _ = read_safetensors(folder / "model.safetensors")
    model = ref.DenseAVRef(ref.arch_from_hparams(hp), sd, torch.float32)
    if a.init:
        return model.train(), hp
    if a.conv_dim != 16 and not a.conv:
        model.hubert = bb.torchaudio_hubert(dict(hp["tiny_audio"], conv_dim=[a.conv_dim] * 7))
    if a.audio_hidden:
        h = a.audio_hidden
        model.hubert = bb.torchaudio_hubert(dict(hp["tiny_audio"], hidden_size=h, intermediate_size=4 * h))
        bb.set_encoder_eps(model.hubert, ref.HUBERT_EPS)
        al = ref.arch_from_hparams(hp)["aligner"]
        model.audio_aligner = ref.AudioAligner(h, int(hp["code_dim"]), al["num_heads"], al["mlp_ratio"])
        ref.set_layer_norm_eps(model.audio_aligner, al["eps"])
        model.audio_cls = torch.nn.Parameter(torch.zeros(h))
    if a.conv:
        conv = [tuple(map(int, c.split(":"))) for c in a.conv.split(",")]
        model.hubert = bb.torchaudio_hubert(hp["tiny_audio"], conv)
        bb.set_encoder_eps(model.hubert, ref.HUBERT_EPS)
    for m in model.modules():                 # forget the shipped weights: torch's default initialisation
        if m is not model and hasattr(m, "reset_parameters"):
            m.reset_parameters()
    with torch.no_grad():
        model.audio_cls.normal_(0, 1)
        model.sim_cal.w.zero_()
    return model.train(), hp


def main():
    a = args()
    torch.set_num_threads(2)
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    data = Data(a)
    model, hp = model_from_scratch(a)
    K, samples = int(hp["sim_agg_heads"]), int(hp["audio_samples"])
    tower = set(id(p) for m in (model.hubert, model.audio_aligner) for p in m.parameters()) | {id(model.audio_cls)}
    groups = [{"params": [p for p in model.parameters() if id(p) not in tower], "f": 1.0},
              {"params": [p for p in model.parameters() if id(p) in tower], "f": a.audio_lr}]
    opt = torch.optim.Adam(groups, lr=a.lr, eps=1e-7 if a.jvm_update else 1e-8)

    clips = sorted({Path(r[1]).name for r in data.train + data.test})  # the same file in every split
    clip_index = {c: i for i, c in enumerate(clips)}

    def clip_ids(rows):
        return torch.tensor([clip_index[Path(r[1]).name] for r in rows])
    hidden = a.oracle_level == "hidden"
    width = int(hp["tiny_audio"]["hidden_size"]) if hidden else int(hp["code_dim"])
    oracle = torch.nn.Parameter(torch.randn(len(clips), width) * (1.0 if hidden else 0.1)) if a.oracle_audio else None
    if oracle is not None and a.oracle_rank:  # vector i = z_i W: fixed random z_i in R^D, one shared trainable W
        z = torch.randn(len(clips), a.oracle_rank) / a.oracle_rank ** 0.5
        proj = torch.nn.Parameter(torch.randn(a.oracle_rank, width) * (1.0 if hidden else 0.1))
    if oracle is not None:
        opt.add_param_group({"params": [proj] if a.oracle_rank else [oracle], "f": 1.0})
        with torch.no_grad():
            t_a = model.forward_audio(torch.zeros(1, samples))["backbone" if hidden else "feats"].shape[-1]

    def features(ims, au, m, rows):
        v = model.forward_image(ims)["feats"]
        if oracle is None:
            x = model.forward_audio(au)["feats"]
            if a.pool_time:
                x = clip_mean(x[:, :, 0, :], m)[:, :, None, None].expand_as(x)
            x = x * a.audio_scale
            if a.audio_bn > 0:
                fm = ref.audio_mask_frames(m, x.shape[-1]).float()[:, None, None, :]
                mu = (x * fm).sum(dim=(0, 2, 3), keepdim=True) / fm.sum()
                var = ((x - mu) ** 2 * fm).sum(dim=(0, 2, 3), keepdim=True) / fm.sum()
                x = (x - mu) / torch.sqrt(var + 1e-5) * a.audio_bn
        else:
            x = (z @ proj if a.oracle_rank else oracle)[clip_ids(rows)][:, :, None, None].expand(-1, -1, 1, t_a)
            if hidden:
                x = model.audio_aligner(x, model.audio_cls[None, :].expand(len(rows), -1))
        return x, v, ref.audio_mask_frames(m, x.shape[-1]).float()

    def score(x, v, fm):
        if a.agg == "misa":
            return L.training_score(x, v, fm, K)
        s = torch.einsum("acft,vc->avt", x, v.mean(dim=(2, 3)))
        return (s * fm[:, None]).sum(-1) / fm[:, None].sum(-1).clamp_min(0.001)

    def test_scores(rows):
        model.eval()
        with torch.no_grad():
            parts = [features(*data.batch(rows[i:i + 25], samples, False), rows[i:i + 25]) for i in range(0, len(rows), 25)]
            S = score(*(torch.cat([p[k] for p in parts]) for k in range(3)))
        model.train()
        return S

    def recall10():
        S, n = test_scores(data.full), len(data.test)   # data.test is data.full's first n rows: scored once
        r, chance, by = own_picture_recall10(S[:n, :n], data.test)
        full = protocol_recall(S)
        return (f"test R@10 {r:.3f} (chance {chance:.3f}) " + " ".join(f"{k} {v:.3f}" for k, v in by.items())
                + f" | all {len(data.full)} test prompts " + " ".join(f"{k} {v:.3f}" for k, v in full.items())
                + f" (chance@10 {10 / len(data.full):.3f})")

    audio_rows = sorted({r[1]: r for r in data.train}.values())
    if a.audio_warmup and a.warmup_target == "random":  # drawn only here: other runs keep their random stream
        codes = F.normalize(torch.randn(len(clips), model.audio_cls.shape[0] if a.warmup_level == "hidden"
                                        else int(hp["code_dim"])), dim=1)

    def audio_view(rows, rng=random, augment=True):
        """[B, C] unit clip means (C: code_dim, or HuBERT's width with --warmup-level hidden) of a random shift and
        gain of each clip (SimCLR-style view)."""
        length = a.warmup_samples or samples
        _, au, m = data.batch(rows, length, False)
        if augment:
            shift = [rng.randint(0, length // 4) for _ in rows]
            au = torch.stack([torch.roll(x, s) * rng.uniform(0.5, 1.5) for x, s in zip(au, shift)])
            m = torch.stack([torch.roll(x, s) for x, s in zip(m, shift)])
        x = model.forward_audio(au)["backbone" if a.warmup_level == "hidden" else "feats"][:, :, 0, :]  # [B, C, T]
        return F.normalize(clip_mean(x, m), dim=1)

    def instance_accuracy():
        """Share of training clips whose shifted view is nearest its own unshifted view among all of them."""
        model.eval()
        rng = random.Random(0)                # its own stream: the warm-up draws as without it
        with torch.no_grad():
            e = torch.cat([audio_view(audio_rows[i:i + 64], rng, False) for i in range(0, len(audio_rows), 64)])
            v = torch.cat([audio_view(audio_rows[i:i + 64], rng) for i in range(0, len(audio_rows), 64)])
            g = e @ e.t()
            g.fill_diagonal_(-2)
        model.train()
        return float(((v @ e.t()).argmax(1) == torch.arange(len(e))).float().mean()), float(g.max(1).values.mean())

    if a.warmup_lr:
        for g in opt.param_groups:
            g["lr"] = a.warmup_lr * g["f"]
    warm = Path(a.warm_file) if a.warm_file else None
    if warm and warm.exists():
        model.load_state_dict(torch.load(warm))
        print(f"warmed-up weights from {warm}", flush=True)
    for step in range(1, 0 if warm and warm.exists() else a.audio_warmup + 1):
        pool = audio_rows
        if a.warmup_kind_batches:
            kind = random.choice(audio_rows)[3]
            pool = [r for r in audio_rows if r[3] == kind]
        rows = random.sample(pool, min(len(pool), a.warmup_batch or a.batch))
        views = [audio_view(rows) for _ in range(2)]
        if a.warmup_target == "random":
            ids = clip_ids(rows)
            loss = 0.5 * sum(F.cross_entropy(v @ codes.t() / 0.1, ids) for v in views)
        else:
            logits, ids = views[0] @ views[1].t() / 0.1, torch.arange(len(rows))
            loss = 0.5 * (F.cross_entropy(logits, ids) + F.cross_entropy(logits.t(), ids))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opt.step()
        if step % a.every == 0:
            line = f"audio warm-up step {step} loss {float(loss):.4f}"
            if step % (4 * a.every) == 0 or step == a.audio_warmup:
                acc, near = instance_accuracy()
                line += f" | instance top-1 {acc:.3f} over {len(audio_rows)} clips, nearest-other cos {near:.3f}"
            print(line, flush=True)
    if warm and not warm.exists():
        torch.save(model.state_dict(), warm)
    if oracle is not None and a.oracle_init.startswith("tower"):  # after any --audio-warmup: where its tower puts the clips
        model.eval()
        rows = sorted({Path(r[1]).name: r for r in data.train + data.test}.values(), key=lambda r: Path(r[1]).name)
        with torch.no_grad():
            for i in range(0, len(rows), 25):
                _, au, m = data.batch(rows[i:i + 25], samples, False)
                x = model.forward_audio(au)["feats"][:, :, 0, :]
                oracle[clip_ids(rows[i:i + 25])] = clip_mean(x, m)
            if a.oracle_init == "tower-kind-centered":  # each prompt kind's mean clip removed
                kind = {Path(r[1]).name: r[3] for r in rows}
                for k in set(kind.values()):
                    ids = torch.tensor([i for i, c in enumerate(clips) if kind[c] == k])
                    oracle[ids] -= oracle[ids].mean(0, keepdim=True)
            if a.oracle_init != "tower":
                oracle -= oracle.mean(0, keepdim=True)
            if a.oracle_init in ("tower-centered", "tower-kind-centered"):
                oracle *= 0.1 / oracle.std()
            elif a.oracle_init == "tower-standardized":
                oracle *= 0.1 / oracle.std(0, keepdim=True)
            elif a.oracle_init == "tower-whitened":
                ev, U = torch.linalg.eigh(oracle.T @ oracle / len(oracle))
                oracle.copy_(oracle @ U @ torch.diag(0.1 / ev.clamp_min(1e-6).sqrt()) @ U.T)
        model.train()
    if oracle is not None and a.freeze_oracle:
        oracle.requires_grad_(False)
    if a.freeze_audio != "none":
        for m in (model.hubert, model.audio_aligner) if a.freeze_audio == "all" else (model.hubert,):
            m.requires_grad_(False)
        model.audio_cls.requires_grad_(a.freeze_audio == "hubert")
    if a.steps == 0:                          # evaluate --init as it is
        print(recall10(), flush=True)
        return
    t0, hist = time.time(), []
    for step in range(1, a.steps + 1):
        for g in opt.param_groups:
            g["lr"] = a.lr * g["f"] * min(1.0, step / 20)
        rows = data.draw(step, a.batch)
        ims, au, m = data.batch(rows, samples, True)
        x, v, fm = features(ims, au, m, rows)
        S = score(x, v, fm)
        if a.center:
            S = S - S.mean(0, keepdim=True) - S.mean(1, keepdim=True) + S.mean()
        loss = L.nce(S, model.sim_cal.w)
        if a.audio_var > 0 or a.audio_cov > 0:
            e = clip_mean(x[:, :, 0, :], m)
            e = e - e.mean(0, keepdim=True)
            loss = loss + a.audio_var * F.relu(1 - torch.sqrt(e.var(0) + 1e-4)).mean()
            cov = e.t() @ e / (len(e) - 1)
            loss = loss + a.audio_cov * (cov - torch.diag(torch.diag(cov))).pow(2).sum() / cov.shape[0]
        if a.warmup_keep > 0:
            ids = clip_ids(rows)
            e = F.normalize(clip_mean(x[:, :, 0, :], m), dim=1)
            loss = loss + a.warmup_keep * F.cross_entropy(e @ codes.t() / 0.1, ids)
        if a.dis > 0:
            source = torch.tensor([1 if r[3] == "sound" else 0 for r in rows])
            loss = loss + a.dis * L.disentangle(L.paired_volume(x, v, fm, K), source, K)
        opt.zero_grad()
        loss.backward()
        if a.jvm_update:
            for p in model.parameters():
                if p.grad is not None:
                    torch.nn.utils.clip_grad_norm_([p], 10.0)
        else:
            torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opt.step()
        hist.append(float(loss))
        if step % a.every == 0:
            line = (f"step {step} loss {np.mean(hist[-a.every:]):.4f} S std {float(S.std()):.4f} "
                    f"S diag-mean {float(S.diag().mean() - S.mean()):.4f} {time.time() - t0:.0f} s")
            if step % (4 * a.every) == 0 or step == a.steps:
                line += " | " + recall10()
            print(line, flush=True)


if __name__ == "__main__":
    main()
