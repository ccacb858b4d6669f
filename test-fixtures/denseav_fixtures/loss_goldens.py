"""DenseAV training-loss goldens (fixtures/losses/): every term of LitAVAligner.loss written in
float64 torch from shared/spec/denseav-reference.md sections 3 and 4 (and nothing else: no Java,
no other fixture module), on small seeded tensors, with the autograd gradients of every term and
of the weighted total w.r.t. the audio features, the image features and the calibrator's w_log.

Shapes (F = 1 is dropped from the paired volume): audio [B,code,1,T], image [B,code,h,w],
paired volume P [B,K,h,w,T], all-pairs score S [B audio rows, B image columns].
The random samples (non-negativity pairs, silent frames) are inputs, saved as flat row indices
(b*T + t into the audio frames, b*h*w + y*w + x into the image locations) so that the Java
graphs use the very same ones."""

import math
from itertools import combinations

import numpy as np
import torch
import torch.nn.functional as F

N_SAMPLES = 250
CAL_INIT = 1.0
# spec 4.2 code defaults; disentangle is 0.0 in the yaml
DEFAULT_WEIGHTS = dict(nce=1.0, cal_balance=0.1, nonneg=0.01, silence_l1=0.01, neg_audio=0.01, tv=0.01,
                       disentangle=0.0, specialize=0.05, image_mixup=0.1)
TERMS = list(DEFAULT_WEIGHTS)
WRT = ("audio", "image", "w_log")


# ---------------------------------------------------------------------------
# volumes and scores (spec 3)
# ---------------------------------------------------------------------------

def by_head(x, K):
    """[B,C,...] -> [B,K,C/K,...]: contiguous channel blocks (spec 2.3)."""
    return x.reshape(x.shape[0], K, x.shape[1] // K, *x.shape[2:])


def paired_volume(audio, image, mask, K):
    """Spec 3.2: P[b,k,h,w,t] = sum_c A[b,k,c,f=0,t] V[b,k,c,h,w] * mask[b,t]."""
    P = torch.einsum("bkcft,bkchw->bkhwft", by_head(audio, K), by_head(image, K))[:, :, :, :, 0, :]
    return P * mask[:, None, None, None, :]


def training_score(audio, image, mask, K):
    """Spec 3.3 with head_agg=max_elementwise: max over heads, max over w then h, mean over f,
    masked mean over t, sum(x m)/max(sum m, 0.001) -> [A, V]."""
    S = torch.einsum("akcft,vkchw->avkhwft", by_head(audio, K), by_head(image, K))
    x = S.max(dim=2).values.max(dim=3).values.max(dim=2).values.mean(dim=2)     # [A,V,T]
    m = mask[:, None, :]
    return (x * m).sum(-1) / m.sum(-1).clamp_min(0.001)


# ---------------------------------------------------------------------------
# the terms (spec 3.4, 4.1, 4.2)
# ---------------------------------------------------------------------------

def cal_w(w_log):
    """Spec 3.4: w = exp(w_log) clamped to [0.01, 100]."""
    return torch.exp(w_log).clamp(0.01, 100.0)


def nce(S, w_log):
    """Spec 4.1: S_cal = w S - mean(w S); 1/2 mean_i -log softmax_row(S_cal)_ii + 1/2 the same on columns."""
    x = cal_w(w_log) * S
    x = x - x.mean()
    rows = -torch.diagonal(F.log_softmax(x, dim=1)).mean()
    cols = -torch.diagonal(F.log_softmax(x.t(), dim=1)).mean()
    return 0.5 * rows + 0.5 * cols


def cal_balance(w_log):
    """(max(0, log cal_init - log w))^2 on the clamped w (the 1e-8 floor of the code never binds: w >= 0.01)."""
    return (math.log(CAL_INIT) - torch.log(cal_w(w_log).clamp_min(1e-8))).clamp_min(0).square().mean()


def nonneg(audio, image, K, audio_rows, image_rows):
    """250 (b,t) audio and 250 (b,y,x) image vectors, the same b per index; all 250x250xK cross inner
    products per head; mean(min(sim, 0)^2)."""
    B, _, _, T = audio.shape
    h, w = image.shape[2:]
    ab, at = audio_rows // T, audio_rows % T
    ib, iy, ix = image_rows // (h * w), (image_rows % (h * w)) // w, image_rows % w
    assert torch.equal(ab, ib)
    a = by_head(audio, K)[ab, :, :, 0, at]          # [N,K,c]
    v = by_head(image, K)[ib, :, :, iy, ix]         # [N,K,c]
    sim = torch.einsum("nkc,mkc->nmk", a, v)
    return sim.clamp_max(0).square().mean()


def silence_l1(audio, image, K, rows):
    """Masked-out frames (rows=None: fewer than 250 exist, the term is 0); their per-head features
    (mean over f) dotted with every location of every batch image; mean |.|."""
    if rows is None:
        return torch.zeros((), dtype=audio.dtype)
    T = audio.shape[3]
    a = by_head(audio, K)[rows // T, :, :, :, rows % T].mean(-1)      # [N,K,c]
    return torch.einsum("bkchw,nkc->bknhw", by_head(image, K), a).abs().mean()


def neg_audio(P, mask, pos_mask):
    """weight = (1 - pos_mask) mask broadcast over the volume; sum P^2 weight / max(sum weight, 0.1)."""
    wgt = ((1 - pos_mask) * mask)[:, None, None, None, :].expand_as(P)
    return (P.square() * wgt).sum() / wgt.sum().clamp_min(0.1)


def tv(P):
    return (P[..., 1:] - P[..., :-1]).square().mean()


def disentangle(P, source, K):
    """m[b,k] = 1 - onehot(source[b]) with each of the 2 classes repeated K/2 times (class blocks:
    heads 0..K/2-1 for class 0); L = mean((sum_k m[b,k] P[b,k,...])^2)."""
    oh = F.one_hot(source, num_classes=2)
    m = (1 - oh[:, :, None].expand(-1, 2, K // 2).reshape(-1, K)).to(P.dtype)
    return torch.einsum("bkhwt,bk->bhwt", P, m).square().mean()


def specialize(P, K):
    pairs = list(combinations(range(K), 2))
    return sum((P[:, i].abs() * P[:, j].abs()).mean() for i, j in pairs) / len(pairs)


def image_mixup(P, pooled_mask):
    """(1 - mask) pooled to [B,1,h,w] and broadcast over K and T; sum((P (1-mask))^2) / max(sum(1-mask), 0.1),
    both sums over the whole broadcast volume (the square is inside the sum, on each element)."""
    neg = (1 - pooled_mask)[:, :, :, :, None].expand_as(P)
    return (P * neg).square().sum() / neg.sum().clamp_min(0.1)


def all_terms(audio, image, w_log, c):
    K = c["heads"]
    mask, pos = c["frame_mask"], c["pos_mask"]
    P = paired_volume(audio, image, mask, K)
    S = training_score(audio, image, mask, K)
    t = dict(nce=nce(S, w_log), cal_balance=cal_balance(w_log),
             nonneg=nonneg(audio, image, K, c["nonneg_audio_rows"], c["nonneg_image_rows"]),
             silence_l1=silence_l1(audio, image, K, c.get("silence_rows")),
             neg_audio=neg_audio(P, mask, pos), tv=tv(P),
             disentangle=disentangle(P, c["source"], K) if K % 2 == 0 else None,
             specialize=specialize(P, K) if K > 1 else None,
             image_mixup=image_mixup(P, c["image_mask"]))
    return t, S


def total(terms, weights):
    """Spec 4 total: L_nce + sum of the weighted regularisers; specialisation only for K > 1 (None here)."""
    return sum(weights[k] * v for k, v in terms.items() if v is not None and weights[k] != 0.0)


# ---------------------------------------------------------------------------
# inputs
# ---------------------------------------------------------------------------

def frame_mask(lengths, T):
    return torch.tensor([[1.0 if t < n else 0.0 for t in range(T)] for n in lengths], dtype=torch.float64)


def pos_mask(rs, lengths, T):
    """1 outside a spliced segment, a raised-cosine dip to 0 inside it (interpolated, not discretised)."""
    out = np.ones((len(lengths), T))
    for b, n in enumerate(lengths):
        width = max(2, n // 2)
        start = rs.randint(0, max(1, n - width))
        x = np.arange(width)
        out[b, start:start + width] = 0.5 + 0.5 * np.cos(2 * np.pi * (x + 0.5) / width)
    return torch.from_numpy(out)


def quadrant_masks(rs, B, H, W):
    """A 2x2-grid positive-quadrant mask for every other image (ones elsewhere), [B,1,H,W]."""
    m = np.ones((B, 1, H, W))
    for b in range(0, B, 2):
        qy, qx = rs.randint(0, 2, size=2)
        m[b] = 0.0
        m[b, 0, qy * H // 2:(qy + 1) * H // 2, qx * W // 2:(qx + 1) * W // 2] = 1.0
    return torch.from_numpy(m)


def silence_rows(rs, mask):
    """Flat rows b*T+t of the masked-out frames (torch.where order), a random subset of 250 when more
    exist; None when fewer than 250 exist (spec: the term applies only with at least 250)."""
    T = mask.shape[1]
    b, t = torch.where(mask == 0)
    rows = (b * T + t).numpy()
    if len(rows) < N_SAMPLES:
        return None
    return torch.from_numpy(rows[rs.permutation(len(rows))[:N_SAMPLES]])


def make_case(seed, B, K, code, h, w, T, lengths, mask_hw, w_log, source, weights):
    rs = np.random.RandomState(seed)
    f64 = lambda a: torch.from_numpy(np.asarray(a, dtype=np.float64))  # noqa: E731
    full_mask = quadrant_masks(rs, B, *mask_hw)
    mask = frame_mask(lengths, T)
    b = rs.randint(0, B, size=N_SAMPLES)
    c = dict(heads=K, batch=B, code=code, h=h, w=w, t=T, weights=dict(DEFAULT_WEIGHTS, **weights),
             audio=f64(rs.standard_normal((B, code, 1, T))),
             image=f64(rs.standard_normal((B, code, h, w))),
             w_log=f64([w_log]),
             frame_mask=mask, pos_mask=pos_mask(rs, lengths, T),
             source=torch.tensor(source, dtype=torch.int64),
             image_mask_full=full_mask,
             image_mask=F.adaptive_avg_pool2d(full_mask, (h, w)),
             nonneg_audio_rows=torch.from_numpy(b * T + rs.randint(0, T, size=N_SAMPLES)),
             nonneg_image_rows=torch.from_numpy(b * h * w + rs.randint(0, h * w, size=N_SAMPLES)))
    rows = silence_rows(rs, mask)
    if rows is not None:
        c["silence_rows"] = rows
    return c


# ---------------------------------------------------------------------------
# values and gradients
# ---------------------------------------------------------------------------

def evaluate(c):
    """{term: value}, {(term, wrt): gradient} for every term and "total" (zeros where independent)."""
    leaves = {k: c[k].clone().requires_grad_(True) for k in WRT}
    terms, S = all_terms(leaves["audio"], leaves["image"], leaves["w_log"], c)
    terms = {k: v for k, v in terms.items() if v is not None}
    terms["total"] = total(terms, c["weights"])
    values, grads = {}, {}
    for name, v in terms.items():
        values[name] = float(v)
        g = (torch.autograd.grad(v, [leaves[k] for k in WRT], retain_graph=True, allow_unused=True)
             if v.requires_grad else [None] * len(WRT))
        for k, gk in zip(WRT, g):
            grads[(name, k)] = torch.zeros_like(c[k]) if gk is None else gk.detach()
    return values, grads, S.detach()
