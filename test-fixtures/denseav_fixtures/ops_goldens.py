"""Op-level goldens (backbones/ops/): LayerNorm (3 eps, with gradients), exact GELU (with
gradient), DINO-style bicubic interpolation, grouped conv1d as in the HuBERT positional
conv, and the weight-norm effective weight.  Inputs are seeded float32; results are
computed in float64 by torch and stored as float32 .npy.  ops/index.json describes every
file.  The bicubic results are also checked against a small independent numpy
implementation, which pins down torch's coordinate convention."""

import json
import math

import numpy as np
import torch
import torch.nn.functional as F

from .writers import write_text


def dump_json(doc):
    """JSON with one line per key of the top level and of its dict values (nested values
    compact), so case.json / index.json stay readable."""
    def line(k, v, ind):
        return f'{ind}{json.dumps(k)}: {json.dumps(v)}'
    parts = []
    for k, v in doc.items():
        if isinstance(v, dict) and v:
            inner = ",\n".join(line(k2, v2, "  ") for k2, v2 in v.items())
            parts.append(f" {json.dumps(k)}: {{\n{inner}\n }}")
        elif isinstance(v, list) and v and isinstance(v[0], dict):
            inner = ",\n".join("  " + json.dumps(x) for x in v)
            parts.append(f" {json.dumps(k)}: [\n{inner}\n ]")
        else:
            parts.append(line(k, v, " "))
    text = "{\n" + ",\n".join(parts) + "\n}\n"
    assert json.loads(text) == json.loads(json.dumps(doc))
    return text


def _f32(a):
    return torch.from_numpy(np.asarray(a, dtype=np.float32))


class _Writer:
    def __init__(self, d):
        self.d = d
        self.index = {}
        d.mkdir(parents=True, exist_ok=True)

    def __call__(self, name, t, meaning):
        a = t.detach().to(torch.float32).contiguous().numpy().astype("<f4", copy=False)
        np.save(str(self.d / f"{name}.npy"), a)
        self.index[f"{name}.npy"] = {"shape": list(a.shape), "meaning": meaning}


def layer_norm(w, rs):
    x = np.stack([rs.standard_normal(7),
                  2.0 + 3.0 * rs.standard_normal(7),
                  1e-3 * np.array([0.0, 1.0, -1.0, 2.0, 0.5, -0.5, 1.5]),   # var ~1e-6: eps dominates
                  0.5 + 0.05 * rs.standard_normal(7)])
    x, weight, bias = _f32(x), _f32(1 + 0.1 * rs.standard_normal(7)), _f32(0.1 * rs.standard_normal(7))
    g = _f32(rs.standard_normal((4, 7)))
    w("layernorm_x", x, "LayerNorm input [4,7], normalised over the last dim; row 2 is near-constant "
                        "(1e-3 * [0,1,-1,2,.5,-.5,1.5], variance ~1e-6, so eps dominates)")
    w("layernorm_weight", weight, "LayerNorm weight [7]")
    w("layernorm_bias", bias, "LayerNorm bias [7]")
    w("layernorm_g", g, "upstream gradient g [4,7]; the gradients below are of sum(out * g)")
    for eps in (1e-6, 1e-5, 1e-4):
        xs, ws, bs = (t.double().requires_grad_() for t in (x, weight, bias))
        out = F.layer_norm(xs, (7,), ws, bs, eps)
        (out * g.double()).sum().backward()
        tag = f"layernorm_eps{eps:.0e}"
        w(f"{tag}_out", out, f"F.layer_norm(x, (7,), weight, bias, eps={eps:g})")
        w(f"{tag}_dx", xs.grad, f"d sum(out*g) / dx, eps={eps:g}")
        w(f"{tag}_dweight", ws.grad, f"d sum(out*g) / dweight, eps={eps:g}")
        w(f"{tag}_dbias", bs.grad, f"d sum(out*g) / dbias, eps={eps:g}")


def gelu(w, rs):
    x = _f32(np.concatenate([np.linspace(-6, 6, 241), 3 * rs.standard_normal(15)]))
    g = _f32(rs.standard_normal(x.shape))
    xs = x.double().requires_grad_()
    out = torch.nn.GELU()(xs)
    (out * g.double()).sum().backward()
    w("gelu_x", x, "GELU input [256]: linspace(-6, 6, 241) then 15 values 3*randn")
    w("gelu_out", out, "exact GELU nn.GELU() = x * Phi(x) (erf form, approximate='none')")
    w("gelu_g", g, "upstream gradient g")
    w("gelu_dx", xs.grad, "d sum(gelu(x)*g) / dx")


def erf(w):
    """FastErf's golden: a dense float32 grid over [-8, 8] and the values at its ends (no random draws, so the
    other goldens' streams are unchanged)."""
    x = _f32(np.concatenate([np.linspace(-8, 8, 32001), [0.0, -0.0, 1e-30, -1e-30, 3.9, -3.9, 1e4, -1e4,
                                                             np.inf, -np.inf, np.nan]]))
    w("erf_x", x, "erf input [32012]: linspace(-8, 8, 32001), then 0, -0, +-1e-30, +-3.9, +-1e4, +-inf, nan")
    w("erf_out", torch.erf(x.double()), "torch.erf in float64")


def bicubic_numpy(img, out_hw, scales):
    """Independent reference: torch upsample_bicubic2d, align_corners=False, given scale
    factors: src = (dst + 0.5) / scale - 0.5, cubic convolution A = -0.75, taps at
    floor(src)-1..floor(src)+2 clamped to the border (no antialiasing)."""
    A = -0.75

    def cubic_weights(t):
        def near(x):
            return ((A + 2) * x - (A + 3)) * x * x + 1

        def far(x):
            return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A
        return [far(t + 1), near(t), near(1 - t), far(2 - t)]

    def axis_matrix(n_in, n_out, scale):
        m = np.zeros((n_out, n_in))
        for o in range(n_out):
            src = (o + 0.5) / scale - 0.5
            f = math.floor(src)
            for j, wt in enumerate(cubic_weights(src - f)):
                m[o, min(max(f - 1 + j, 0), n_in - 1)] += wt
        return m
    mh = axis_matrix(img.shape[-2], out_hw[0], scales[0])
    mw = axis_matrix(img.shape[-1], out_hw[1], scales[1])
    return np.einsum("oh,nchw,pw->ncop", mh, img, mw)


def bicubic(w, rs):
    cases = []
    specs = [(4, 5, 3, True), (28, 14, 14, True), (28, 40, 24, True), (4, 4, 6, True), (4, 8, 12, True),
             (4, 8, 12, False)]
    for k, (n0, h, wd, dino) in enumerate(specs):
        C = 3
        x = _f32(rs.standard_normal((1, C, n0, n0)))
        scales = ((h + 0.1) / n0, (wd + 0.1) / n0) if dino else (h / n0, wd / n0)
        out = F.interpolate(x.double(), scale_factor=scales, mode="bicubic", align_corners=False)
        assert tuple(out.shape[-2:]) == (h, wd), (out.shape, h, wd)
        err = np.abs(bicubic_numpy(x.double().numpy(), (h, wd), scales) - out.numpy()).max()
        assert err < 1e-12, err
        # would using the in/out size ratio instead of the given scale show?
        ratio = F.interpolate(x.double(), size=(h, wd), mode="bicubic", align_corners=False)
        diff = ((ratio - out).abs().max() / out.abs().max()).item()
        name = f"bicubic_{k}"
        w(f"{name}_in", x, f"bicubic input [1,{C},{n0},{n0}]")
        w(f"{name}_out", out, f"F.interpolate(in, scale_factor={scales}, mode='bicubic', align_corners=False) "
                              f"-> [1,{C},{h},{wd}]")
        cases.append({"name": name, "grid": n0, "out_h": h, "out_w": wd, "dino_style": dino,
                      "scale_factor": list(scales), "scale_factor_expr":
                      (f"(({h}+0.1)/{n0}, ({wd}+0.1)/{n0})" if dino else f"({h}/{n0}, {wd}/{n0})"),
                      "rel_diff_if_size_ratio_used": diff})
    return cases


def grouped_conv(w, rs):
    B, C, T, K, G = 2, 32, 12, 16, 4
    x = _f32(rs.standard_normal((B, C, T)))
    weight = _f32(rs.standard_normal((C, C // G, K)) / math.sqrt(C // G * K))
    bias = _f32(0.1 * rs.standard_normal(C))
    out = F.conv1d(x.double(), weight.double(), bias.double(), padding=K // 2, groups=G)[..., :-1]
    w("gconv_x", x, f"grouped conv1d input [B={B},C={C},T={T}]")
    w("gconv_weight", weight, f"conv1d weight [C_out={C}, C_in/groups={C // G}, K={K}], groups={G}")
    w("gconv_bias", bias, "conv1d bias [32]")
    w("gconv_out", out, f"F.conv1d(x, weight, bias, padding={K // 2}, groups={G})[..., :-1] -> [{B},{C},{T}] "
                        "(even K: HuBERT pos-conv drops the last frame)")


def weight_norm(w, rs):
    C, G, K = 32, 4, 16
    g = _f32(0.5 + np.abs(rs.standard_normal((1, 1, K))))
    v = _f32(rs.standard_normal((C, C // G, K)))
    eff = torch._weight_norm(v.double(), g.double(), 2)
    manual = g.double() * v.double() / v.double().pow(2).sum(dim=(0, 1), keepdim=True).sqrt()
    assert (eff - manual).abs().max() < 1e-12
    w("weightnorm_g", g, f"weight_g [1,1,{K}] (weight_norm dim=2: one gain per kernel tap)")
    w("weightnorm_v", v, f"weight_v [{C},{C // G},{K}]")
    w("weightnorm_w", eff, "effective weight w = g * v / ||v||, the norm over dims 0 and 1 for each tap k "
                           "(torch._weight_norm(v, g, 2))")


def build_ops(d):
    w = _Writer(d)
    rs = np.random.RandomState(3000)
    layer_norm(w, rs)
    gelu(w, rs)
    cases = bicubic(w, rs)
    grouped_conv(w, rs)
    weight_norm(w, rs)
    erf(w)
    doc = {"about": "op-level goldens; inputs seeded float32, results computed by torch %s in float64 "
                    "and stored as float32 little-endian .npy" % torch.__version__,
           "bicubic_convention": "align_corners=False with explicit scale_factor: the source coordinate is "
                                 "(dst + 0.5) / scale - 0.5 with the GIVEN scale (not in/out size ratio); "
                                 "out size = floor(in * scale); cubic convolution A = -0.75; taps clamped "
                                 "to the border; no antialiasing when downsampling",
           "bicubic_cases": cases, "files": w.index}
    write_text(d / "index.json", dump_json(doc))
    return doc
