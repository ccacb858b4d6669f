"""Data and held-out retrieval for the training probes (probe_train_tuxpaint.py, probe_audio_geometry.py): a
TuxPaint-AV folder's prompts as (image, audio, class, kind) rows, batches as the probe trains on them, and the two
recall measures the probe prints."""

import csv
import random
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
import torchaudio
from PIL import Image

from . import denseav_ref as ref

MEAN = torch.tensor([0.485, 0.456, 0.406])[:, None, None]
STD = torch.tensor([0.229, 0.224, 0.225])[:, None, None]


class Data:
    def __init__(self, a):
        self.a, self.root, self.cache = a, Path(a.data), {}
        kinds = set(a.kinds.split(","))
        self.train = [r for r in self.rows("train") if r[3] in kinds]
        self.test = self.rows("test")[:150]   # the probe's own R@10; every test prompt for protocol_recall
        self.full = self.rows("test")
        self.sound = [r for r in self.train if r[3] == "sound"]
        self.speech = [r for r in self.train if r[3] != "sound"]

    def rows(self, split):
        with open(self.root / split / "prompted_segmentation.csv") as f:
            return [(split + "/" + r["image_location"], split + "/" + (r["speech_prompt_file"] or r["vggsound_file"]),
                     r["class_name"], r["prompt_kind"]) for r in csv.DictReader(f)]

    def image(self, p):
        if p not in self.cache:
            t = torch.from_numpy(np.asarray(Image.open(self.root / p).convert("RGB")).copy()).permute(2, 0, 1).float() / 255
            if self.a.plain:
                seg = np.asarray(Image.open(self.root / p.replace("frames/", "annotations/").replace(".jpg", "_seg.png")))
                t = t * torch.from_numpy((seg[..., 0] > 0).astype(np.float32))[None]
            self.cache[p] = t
        return self.cache[p]

    def audio(self, p):
        if p not in self.cache:
            w, sr = torchaudio.load(str(self.root / p))
            self.cache[p] = torchaudio.functional.resample(w[0], sr, 16000)
        return self.cache[p]

    def batch(self, rows, samples, train):
        ims, aus, masks = [], [], []
        for image, audio, _, _ in rows:
            x = self.image(image)
            if train and self.a.jvm_aug:
                ims.append((jvm_augment(self.a.crop)(x) - MEAN) / STD)
            elif train and self.a.crop < 1:
                side = int(x.shape[1] * random.uniform(self.a.crop, 1.0) ** 0.5)
                i, j = random.randint(0, x.shape[1] - side), random.randint(0, x.shape[2] - side)
                x = x[:, i:i + side, j:j + side]
                if random.random() < 0.5:
                    x = x.flip(-1)
            if not (train and self.a.jvm_aug):
                ims.append((F.interpolate(x[None], size=(224, 224), mode="bilinear", align_corners=False)[0] - MEAN) / STD)
            w, n = self.audio(audio), min(len(self.audio(audio)), samples)
            clip, m = torch.zeros(samples), torch.zeros(samples)
            clip[:n], m[:n] = w[:n], 1
            if self.a.tile_audio:
                clip, m = w.repeat(samples // len(w) + 1)[:samples], torch.ones(samples)
            aus.append((clip - clip.mean()) / torch.sqrt(clip.var(unbiased=False) + 1e-7))
            masks.append(m)
        return torch.stack(ims), torch.stack(aus), torch.stack(masks)

    def draw(self, step, n):
        a, seen, out = self.a, set(), []
        kind = random.choice(self.train)[3] if a.kind_batches else None
        while len(out) < n:
            if kind is not None:
                r = random.choice([r for r in self.train if r[3] == kind])
            elif step <= a.sound_first:
                r = random.choice(self.sound)
            elif a.speech_share >= 0:
                r = random.choice(self.speech if random.random() < a.speech_share else self.sound)
            else:
                r = random.choice(self.train)
            if r[0] not in seen:              # one prompt per picture: no duplicate positives
                seen.add(r[0])
                out.append(r)
        return out


def clip_mean(x, m):
    """[B, C, T] frame features, [B, L] sample mask -> [B, C]: the mean over the clip's valid frames."""
    fm = ref.audio_mask_frames(m, x.shape[-1]).float()[:, None, :]
    return (x * fm).sum(-1) / fm.sum(-1).clamp_min(1e-3)


def jvm_augment(scale):
    import torchvision.transforms as T
    return T.Compose([T.RandomResizedCrop(224, scale=(scale, 1.0)), T.RandomHorizontalFlip(),
                      T.ColorJitter(0.2, 0.2, 0.2, 0.2), T.RandomGrayscale(0.1)])


def own_picture_recall10(S, rows):
    """Audio -> the prompt's own picture among the distinct pictures of rows (S: [rows, rows] scores), by prompt
    kind: (R@10, chance, {kind: R@10})."""
    col = {}
    for r in rows:
        col.setdefault(r[0], len(col))
    keep = [next(i for i, r in enumerate(rows) if r[0] == p) for p in col]
    top = S[:, keep].topk(10, dim=1).indices
    hit = [col[r[0]] in top[i].tolist() for i, r in enumerate(rows)]
    by = {k: np.mean([h for h, r in zip(hit, rows) if r[3] == k]) for k in sorted({r[3] for r in rows})}
    return np.mean(hit), 10 / len(col), by


def protocol_recall(S):
    """`denseav eval retrieval`'s recall on the same rows (S: [clips, pictures], row i's picture is its match): a clip
    finds its picture at k when fewer than k pictures score strictly higher (a duplicate of its picture ties, as
    there), and a picture its clip likewise among all clips. Chance at 10 is 10 / len(S)."""
    d = S.diag()
    ranks = {"a2i": (S > d[:, None]).sum(1), "i2a": (S > d[None, :]).sum(0)}
    return {f"{n}@{k}": float((c < k).float().mean()) for n, c in ranks.items() for k in (1, 5, 10)}
