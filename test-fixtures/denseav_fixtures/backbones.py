"""Backbone forward goldens from INDEPENDENT torch implementations: torchvision's
VisionTransformer (DINO weights mapped onto it) and torchaudio's wav2vec2_model (HuBERT).

Weights are seeded numpy float32 values (full precision, not quantised), generated in
the checkpoint's own key layout and then mapped onto the reference module.  The scales
keep the residual streams small (std ~0.03) so every LayerNorm input has a small
variance and an eps or affine mistake moves the outputs far beyond 1e-4 relative.
Goldens are computed in float64 (module.double()) and stored as float32."""

import collections
import math
import os
from functools import partial

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .dino import DinoViT, dino_shapes
from .hubert import HFHubertForCTC, hf_hubert_config, hf_hubert_shapes
from .shapes import assert_layout

RESID = 0.03   # std of the residual streams (see module docstring)
# MLP hidden units: bias -2 + n puts most GELU inputs in the curved, negative region (as in
# trained transformers), so an approximate GELU is visible; the output layer is larger
# than RESID so the MLP branch matters
FC1_BIAS, FC2_SCALE = (-2.0, 1.0), 0.2


# ---------------------------------------------------------------------------
# seeded weights
# ---------------------------------------------------------------------------

def fill_state(shapes, seed, rule):
    """OrderedDict name -> float32 tensor; rule(name, shape) -> (kind, scale) with kind
    'normal' (scale*n), 'fan' (scale*n/sqrt(fan_in)), 'one' (1+scale*n), 'pos' (scale*(0.5+|n|)),
    'shift' (scale[0] + scale[1]*n)."""
    rs = np.random.RandomState(seed)
    out = collections.OrderedDict()
    for name, shape in shapes.items():
        n = rs.standard_normal(tuple(shape))
        kind, s = rule(name, shape)
        if kind == "normal":
            v = s * n
        elif kind == "fan":
            v = s * n / math.sqrt(int(np.prod(shape[1:])))
        elif kind == "one":
            v = 1.0 + s * n
        elif kind == "pos":
            v = s * (0.5 + np.abs(n))
        elif kind == "shift":
            v = s[0] + s[1] * n
        else:
            raise ValueError(kind)
        out[name] = torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32))
        del n, v
    return out


def _vit_rule(name, shape):
    leaf = name.rsplit(".", 1)[-1]
    if name in ("cls_token", "pos_embed"):
        return "normal", 0.02
    if name.startswith("norm.") or ".norm1." in name or ".norm2." in name:
        return ("one", 0.1) if leaf == "weight" else ("normal", 0.1)
    if ".mlp.fc1.bias" in name:
        return "shift", FC1_BIAS
    if ".mlp.fc2.weight" in name:
        return "fan", FC2_SCALE
    small = "patch_embed" in name or ".attn.proj." in name or ".mlp.fc2." in name
    if leaf == "bias":
        return "normal", (0.3 * RESID if small else 0.1)
    return "fan", (RESID if small else 1.0)


def dino_state(D, depth, patch, grid, seed):
    """DINO (facebookresearch/dino vision_transformer.py) state dict, num_classes=0."""
    shapes = dino_shapes(D, depth, patch, grid * patch)
    sd = fill_state(shapes, seed, _vit_rule)
    assert_layout(sd, shapes, "dino")
    return sd


# ---------------------------------------------------------------------------
# ViT: DINO layout <-> torchvision VisionTransformer
# ---------------------------------------------------------------------------

def torchvision_vit(D, depth, heads, patch, grid, eps):
    import torchvision
    return torchvision.models.VisionTransformer(
        image_size=grid * patch, patch_size=patch, num_layers=depth, num_heads=heads, hidden_dim=D,
        mlp_dim=4 * D, norm_layer=partial(nn.LayerNorm, eps=eps)).eval()


def dino_to_torchvision(sd, tv_keys):
    """Map DINO keys onto torchvision names (mlp.0/mlp.3 in torchvision >= 0.13,
    mlp.linear_1/linear_2 before)."""
    fc = ("0", "3") if any(".mlp.0.weight" in k for k in tv_keys) else ("linear_1", "linear_2")
    out = collections.OrderedDict()
    for k, v in sd.items():
        if k == "cls_token":
            nk = "class_token"
        elif k == "pos_embed":
            nk = "encoder.pos_embedding"
        elif k.startswith("patch_embed.proj."):
            nk = "conv_proj." + k.rsplit(".", 1)[1]
        elif k.startswith("norm."):
            nk = "encoder.ln." + k.rsplit(".", 1)[1]
        else:
            _, i, rest = k.split(".", 2)
            rest = (rest.replace("norm1.", "ln_1.").replace("norm2.", "ln_2.")
                    .replace("attn.qkv.weight", "self_attention.in_proj_weight")
                    .replace("attn.qkv.bias", "self_attention.in_proj_bias")
                    .replace("attn.proj.", "self_attention.out_proj.")
                    .replace("mlp.fc1.", f"mlp.{fc[0]}.").replace("mlp.fc2.", f"mlp.{fc[1]}."))
            nk = f"encoder.layers.encoder_layer_{i}.{rest}"
        assert nk in tv_keys, (k, nk)
        out[nk] = v
    return out


def dino_interpolate_pos(pos_embed, H, W, patch):
    """dino vision_transformer.py interpolate_pos_encoding (x.shape = B,C,w,h there, so its
    'w' is our H): bicubic with scale_factor ((H//p+0.1)/N0, (W//p+0.1)/N0)."""
    npatch = (H // patch) * (W // patch)
    N = pos_embed.shape[1] - 1
    if npatch == N and H == W:
        return pos_embed
    dim = pos_embed.shape[-1]
    h0, w0 = H // patch + 0.1, W // patch + 0.1
    s = math.sqrt(N)
    patch_pos = F.interpolate(pos_embed[:, 1:].reshape(1, int(s), int(s), dim).permute(0, 3, 1, 2),
                              scale_factor=(h0 / s, w0 / s), mode="bicubic")
    assert patch_pos.shape[-2:] == (H // patch, W // patch), patch_pos.shape
    patch_pos = patch_pos.permute(0, 2, 3, 1).reshape(1, -1, dim)
    return torch.cat((pos_embed[:, :1], patch_pos), dim=1)


def vit_reference(sd, D, depth, heads, patch, grid, eps, H, W, dtype=torch.float64):
    """torchvision ViT holding the DINO weights (pos embedding interpolated for H x W)."""
    m = torchvision_vit(D, depth, heads, patch, grid, eps)
    tv = m.state_dict()
    tv.update(dino_to_torchvision(sd, set(tv)))
    m.load_state_dict(tv, strict=True)
    m = m.to(dtype)
    with torch.no_grad():
        pos = dino_interpolate_pos(m.encoder.pos_embedding.data, H, W, patch)
    m.encoder.pos_embedding = nn.Parameter(pos)
    return m


def vit_forward(m, img):
    """torchvision forward up to encoder.ln, with every encoder layer's raw output."""
    n, _, h, w = img.shape
    if h == w:
        m.image_size = h          # _process_input only accepts square image_size inputs
        x = m._process_input(img)
    else:                         # the same ops as _process_input, minus its square assert
        x = m.conv_proj(img).reshape(n, m.hidden_dim, -1).permute(0, 2, 1)
    x = torch.cat([m.class_token.expand(n, -1, -1), x], dim=1)
    blocks = []
    hooks = [layer.register_forward_hook(lambda mod, i, o: blocks.append(o))
             for layer in m.encoder.layers]
    try:
        with torch.no_grad():
            tokens = m.encoder(x)
    finally:
        for hk in hooks:
            hk.remove()
    hp, wp = h // m.patch_size, w // m.patch_size
    return collections.OrderedDict(
        tokens=tokens, patch_tokens=tokens[:, 1:].reshape(n, hp, wp, -1).permute(0, 3, 1, 2),
        cls=tokens[:, 0], **{f"block_{i}": b for i, b in enumerate(blocks)})


def vit_dino_crosscheck(sd, D, depth, heads, patch, grid, eps, img, tokens):
    """The same weights through denseav_fixtures.dino.DinoViT (dino's own code path)."""
    m = DinoViT(D, depth, heads, patch, grid * patch)
    m.load_state_dict(sd, strict=True)
    for mod in m.modules():
        if isinstance(mod, nn.LayerNorm):
            mod.eps = eps
    m = m.double().eval()
    with torch.no_grad():
        out = m(img.double())
    return ((out - tokens.double()).abs().max() / tokens.abs().max()).item()


# ---------------------------------------------------------------------------
# HuBERT: torchaudio wav2vec2_model <-> HF layouts
# ---------------------------------------------------------------------------

CONV_SHAPES = [(10, 5)] + [(3, 2)] * 4 + [(2, 2)] * 2


def hubert_cfg(style, hidden, layers, heads, ffn, conv_dim, pos_k, pos_g):
    """HF config dict (denseav_fixtures.hubert.hf_hubert_config): style 'large' = layer_norm
    extractor with conv bias + layer_norm_first, 'base' = group_norm, no bias, post-LN."""
    return hf_hubert_config(style, hidden, layers, heads, ffn, [conv_dim] * 7, pos_k, pos_g)


def torchaudio_hubert(cfg, conv=None):
    """torchaudio's HuBERT for `cfg`; `conv` ([(dim, kernel, stride)]) replaces its conv extractor's layers."""
    import torchaudio
    large = cfg["do_stable_layer_norm"]
    conv = conv or [(c, k, s) for c, (k, s) in zip(cfg["conv_dim"], CONV_SHAPES)]
    return torchaudio.models.wav2vec2_model(
        extractor_mode="layer_norm" if large else "group_norm", extractor_conv_layer_config=conv,
        extractor_conv_bias=cfg["conv_bias"], encoder_embed_dim=cfg["hidden_size"],
        encoder_projection_dropout=0.0, encoder_pos_conv_kernel=cfg["num_conv_pos_embeddings"],
        encoder_pos_conv_groups=cfg["num_conv_pos_embedding_groups"],
        encoder_num_layers=cfg["num_hidden_layers"], encoder_num_heads=cfg["num_attention_heads"],
        encoder_attention_dropout=0.0, encoder_ff_interm_features=cfg["intermediate_size"],
        encoder_ff_interm_dropout=0.0, encoder_dropout=0.0, encoder_layer_norm_first=large,
        encoder_layer_drop=0.0, aux_num_out=None).eval()


def _hubert_rule(large, n_conv):
    def rule(name, shape):
        leaf = name.rsplit(".", 1)[-1]
        if name.startswith("feature_extractor."):
            i = int(name.split(".")[2])
            if ".layer_norm." in name:      # LayerNorm (large) / GroupNorm (base, layer 0)
                s = 0.1 if (large and i == n_conv - 1) else 1.0  # small input to the projection LN
                return ("one", 0.1) if leaf == "weight" else ("normal", 0.1 * s)
            # large: every conv is normalised, keep them small (eps-sensitive LNs); base: only
            # conv 0 is (GroupNorm), convs 1..5 keep the scale through GELU, the last one is small
            s = 0.05 if (large or i in (0, n_conv - 1)) else 1.6
            return ("normal", 0.1 * s) if leaf == "bias" else ("fan", s)
        if leaf == "weight_g":
            return "pos", 1.0
        if leaf == "weight_v":
            return "normal", 1.0
        if "layer_norm" in name:
            return ("one", 0.1) if leaf == "weight" else ("normal", 0.1)
        if "intermediate_dense.bias" in name:
            return "shift", FC1_BIAS
        if "output_dense.weight" in name:
            return "fan", FC2_SCALE
        small = ("projection." in name or "pos_conv_embed" in name or "out_proj" in name
                 or "output_dense" in name)
        if leaf == "bias":
            return "normal", (0.3 * RESID if small else 0.1)
        return "fan", (RESID if small else 1.0)
    return rule


def hubert_state(model, seed):
    """Seeded torchaudio state dict, loaded into model (weight_g = pos random [1,1,K])."""
    sd0 = model.state_dict()
    shapes = collections.OrderedDict((k, list(v.shape)) for k, v in sd0.items())
    large = any(".layer_norm." in k for k in shapes if k.startswith("feature_extractor.conv_layers.1."))
    sd = fill_state(shapes, seed, _hubert_rule(large, 7))
    model.load_state_dict(sd, strict=True)
    return sd


def torchaudio_to_hf(k):
    if k.startswith("feature_extractor."):
        return k
    if k.startswith("encoder.feature_projection."):
        return k[len("encoder."):]
    if k.startswith("encoder.transformer."):
        return "encoder." + k[len("encoder.transformer."):]
    raise KeyError(k)


def hf_ctc_state(ta_sd, cfg, seed):
    """HF HubertForCTC layout: hubert.masked_spec_embed, hubert.<HubertModel keys>, lm_head.*,
    in HF's key order (the hf_hubert_shapes table; torchaudio lists layer_norm before conv)."""
    rs = np.random.RandomState(seed)
    C, V = cfg["hidden_size"], cfg["vocab_size"]
    renamed = {"hubert." + torchaudio_to_hf(k): v for k, v in ta_sd.items()}
    renamed["hubert.masked_spec_embed"] = torch.from_numpy(rs.uniform(0, 1, C).astype(np.float32))
    renamed["lm_head.weight"] = torch.from_numpy((rs.standard_normal((V, C)) / math.sqrt(C)).astype(np.float32))
    renamed["lm_head.bias"] = torch.from_numpy((0.1 * rs.standard_normal(V)).astype(np.float32))
    table = hf_hubert_shapes(cfg, "hubert.", lm_head=True)
    assert set(table) == set(renamed), set(table) ^ set(renamed)
    out = collections.OrderedDict((k, renamed[k]) for k in table)
    assert_layout(out, table, "hf ctc")
    return out


def hf_param_state(ctc_sd):
    """HF HubertModel layout (no prefix, no lm_head) with the torch parametrizations
    weight-norm names (transformers >= 4.3x): ...conv.parametrizations.weight.original0 (g) /
    original1 (v)."""
    out = collections.OrderedDict()
    for k, v in ctc_sd.items():
        if not k.startswith("hubert."):
            continue
        k = k[len("hubert."):]
        k = k.replace("pos_conv_embed.conv.weight_g", "pos_conv_embed.conv.parametrizations.weight.original0")
        k = k.replace("pos_conv_embed.conv.weight_v", "pos_conv_embed.conv.parametrizations.weight.original1")
        out[k] = v
    return out


def set_encoder_eps(model, eps):
    """eps of every encoder LayerNorm (feature projection, layers, final); the conv
    extractor norms keep theirs."""
    n = 0
    for name, mod in model.encoder.named_modules():
        if isinstance(mod, nn.LayerNorm):
            mod.eps = eps
            n += 1
    return n


def hubert_forward(model, wav):
    """features = feature_extractor(x, None) [B,T,conv]; last_hidden_state = encoder(features,
    None) (the final LN included for layer_norm_first); layer_i = raw transformer layer outputs."""
    with torch.no_grad():
        feats, _ = model.feature_extractor(wav, None)
        hidden = model.encoder(feats, None)
        x, _ = model.encoder._preprocess(feats, None)
        layers = model.encoder.transformer.get_intermediate_outputs(x)
    return collections.OrderedDict(features=feats, last_hidden_state=hidden,
                                   **{f"layer_{i}": t for i, t in enumerate(layers)})


def hf_crosscheck(ctc_sd, cfg, wav, hidden):
    """Load the HF-layout state dict into denseav_fixtures.hubert.HFHubertForCTC (HF's
    code path) and compare its last hidden state with the torchaudio golden."""
    m = HFHubertForCTC(cfg)
    m.load_state_dict(ctc_sd, strict=True)
    m = m.double().eval()
    with torch.no_grad():
        out = m.hubert(wav.double())
    return ((out - hidden.double()).abs().max() / hidden.abs().max()).item()


# ---------------------------------------------------------------------------
# misc
# ---------------------------------------------------------------------------

def rel_err(a, b):
    a, b = a.double(), b.double()
    return ((a - b).abs().max() / b.abs().max().clamp_min(1e-30)).item()


def save_npy(path, t):
    """np.save as float32 little-endian, C order."""
    a = t.detach().cpu().to(torch.float32).contiguous().numpy().astype("<f4", copy=False)
    np.save(str(path), a)
    return os.path.getsize(path)


def hubert_frames(samples):
    t = samples
    for k, s in CONV_SHAPES:
        t = (t - k) // s + 1
    return t
