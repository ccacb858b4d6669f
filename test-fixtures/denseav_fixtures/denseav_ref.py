"""Independent PyTorch reference of DenseAV's inference path (LitAVAligner, mhamilton723/DenseAV),
written from shared/spec/denseav-reference.md sections 1-3 and 6, for the Java goldens.

Backbones are NOT DenseAV's code: the DINO ViT is torchvision's VisionTransformer with the DINO
keys mapped onto it (backbones.dino_to_torchvision) and the LoRA merged into the qkv weight;
HuBERT is torchaudio's wav2vec2_model with the HF keys mapped onto it (hubert.hf_to_torchaudio_key).
The aligners mirror the checkpoint's module tree (image_aligner.*, audio_aligner.mod_list.N.*);
the aligner's transformer block is torchvision's EncoderBlock.

    m = DenseAVRef(arch_from_hparams(hp), state_dict, torch.float64)
    img = m.forward_image(image)                      # {"backbone": [B,D,h,w], "feats": [B,code,h,w]}
    aud = m.forward_audio(audio)                      # {"backbone": [B,Ca,1,T_h], "feats": [B,code,1,T_a]}
    mask = audio_mask_frames(sample_mask, T_a)        # [B,T_a] bool
    paired_volume(aud["feats"], img["feats"], mask, K) ... scores(...), heatmap(...)
"""

import collections
from functools import partial

import torch
import torch.nn as nn
import torch.nn.functional as F

from . import backbones as bb
from .hubert import HUBERT_LARGE_CFG, hf_to_torchaudio_key

IMAGE_PREFIXES = ("image_model.base_model.model.model.", "image_model.model.")
AUDIO_PREFIX = "audio_model.model."
ALIGNER_EPS = 1e-4      # ChannelNorm and the aligner Block (spec 2)
VIT_EPS = 1e-4          # every LayerNorm of DenseAV's DINO copy (spec 1.1)
HUBERT_EPS = 1e-4       # DenseAV sets config.layer_norm_eps = 1e-4; the 7 conv LNs keep 1e-5 (spec 1.2)

# full-size DenseAV-2head (spec 1, 2, 6); tiny models override these through hyper-parameters
FULL_IMAGE = dict(embed_dim=384, depth=12, heads=6, patch=8, pos_grid=28, mlp_ratio=4, eps=VIT_EPS)
FULL_ALIGNER = dict(num_heads=6, mlp_ratio=4, eps=ALIGNER_EPS)


def arch_from_hparams(hp):
    """Architecture of a DenseAV checkpoint from its hyper-parameters.  Released models have
    the full-size backbones; the tiny fixtures carry "tiny_image" / "tiny_audio" /
    "tiny_aligner" keys.  The official SelfAttentionAligner hard-codes 6 heads (and would
    zero-pad the channels in front to a multiple of 6, never needed for code_dim 384: not
    implemented here); the tiny fixtures use tiny_aligner.num_heads = 2 without padding."""
    code = int(hp.get("code_dim", 384))
    aligner = dict(FULL_ALIGNER, **hp.get("tiny_aligner", {}))
    assert code % aligner["num_heads"] == 0, "aligner channel padding is not implemented"
    rank = int(hp.get("image_lora_rank", 8))
    return dict(image=dict(FULL_IMAGE, **dict(hp.get("tiny_image", {}))),
                audio=dict(hp.get("tiny_audio", HUBERT_LARGE_CFG)),
                aligner=aligner, code_dim=code, heads=int(hp.get("sim_agg_heads", 1)),
                lora_scale=float(hp.get("image_lora_alpha", 32)) / rank)   # peft lora_alpha=32 is hard-coded


# ---------------------------------------------------------------------------
# checkpoint keys -> reference module keys
# ---------------------------------------------------------------------------

def dino_state(sd, lora_scale):
    """DINO-layout state dict of the image backbone with the peft LoRA merged:
    W_eff = W + (alpha/r) * B @ A (spec 5.1).  Accepts peft 0.5 names (qkv.weight) and
    peft >= 0.7 names (qkv.base_layer.weight); returns (dino_sd, used_keys, had_lora)."""
    prefix = next((p for p in IMAGE_PREFIXES if any(k.startswith(p) for k in sd)), None)
    assert prefix is not None, "no image_model.* keys"
    out, used, lora = collections.OrderedDict(), [], {}
    for k, v in sd.items():
        if not k.startswith(prefix):
            continue
        used.append(k)
        name = k[len(prefix):].replace(".qkv.base_layer.", ".qkv.")
        if ".lora_A." in name or ".lora_B." in name:
            base = name.split(".lora_")[0] + ".weight"
            lora.setdefault(base, {})["A" if ".lora_A." in name else "B"] = v
            continue
        out[name] = v
    for base, ab in lora.items():
        out[base] = out[base].double() + lora_scale * (ab["B"].double() @ ab["A"].double())
    return out, used, bool(lora)


def hubert_state(sd):
    """torchaudio wav2vec2_model state dict from the HF HubertModel keys under audio_model.model.
    (weight_g/weight_v or parametrizations.weight.original0/1); masked_spec_embed is unused."""
    out, used = collections.OrderedDict(), []
    for k, v in sd.items():
        if not k.startswith(AUDIO_PREFIX):
            continue
        name = k[len(AUDIO_PREFIX):]
        name = name.replace("parametrizations.weight.original0", "weight_g")
        name = name.replace("parametrizations.weight.original1", "weight_v")
        ta = hf_to_torchaudio_key(name)
        if ta is None:
            assert name == "masked_spec_embed", k
            continue
        out[ta] = v
        used.append(k)
    return out, used


def block_keys(sd, prefix, tv_prefix):
    """DINO Block keys (norm1, attn.qkv, attn.proj, norm2, mlp.fc1/fc2) under prefix -> the
    torchvision EncoderBlock keys under tv_prefix (the same mapping as the DINO backbone)."""
    sub = {"blocks.0." + k[len(prefix):]: v for k, v in sd.items() if k.startswith(prefix)}
    tv_keys = {f"encoder.layers.encoder_layer_0.{s}" for s in (
        "ln_1.weight", "ln_1.bias", "self_attention.in_proj_weight", "self_attention.in_proj_bias",
        "self_attention.out_proj.weight", "self_attention.out_proj.bias", "ln_2.weight", "ln_2.bias",
        "mlp.0.weight", "mlp.0.bias", "mlp.3.weight", "mlp.3.bias")}
    mapped = bb.dino_to_torchvision(sub, tv_keys)
    strip = len("encoder.layers.encoder_layer_0.")
    return {tv_prefix + k[strip:]: v for k, v in mapped.items()}, [prefix + k[9:] for k in sub]


# ---------------------------------------------------------------------------
# aligners (spec 2)
# ---------------------------------------------------------------------------

class ChannelNorm(nn.Module):
    """LayerNorm over the channel axis of [B,C,...] (or of a [B,C] CLS vector)."""

    def __init__(self, dim, eps=ALIGNER_EPS):
        super().__init__()
        self.norm = nn.LayerNorm(dim, eps=eps)

    def forward(self, x):
        if x.dim() == 2:
            return self.norm(x)
        n = x.dim()     # explicit non-negative permutations (ONNX Runtime rejects perm=-1)
        y = self.norm(x.permute(0, *range(2, n), 1))
        return y.permute(0, n - 1, *range(1, n - 1))


class ImageAligner(nn.Module):
    """image_linear: ChannelNorm then a 1x1 conv; cls_layer is loaded but unused (sim_use_cls=False)."""

    def __init__(self, dim, code):
        super().__init__()
        self.norm = ChannelNorm(dim)
        self.layer = nn.Conv2d(dim, code, 1)
        self.cls_layer = nn.Linear(dim, code)

    def forward(self, x):
        return self.layer(self.norm(x))


class FrequencyAvg(nn.Module):
    def forward(self, x, cls):
        return x.mean(2, keepdim=True), cls


class CNorm(ChannelNorm):
    """mod_list.1: ChannelNorm applied to the map AND the CLS vector."""

    def forward(self, x, cls):
        return super().forward(x), super().forward(cls)


class LearnedTimePool(nn.Module):
    """LearnedTimePool2 (width 3, no maxpool): Conv2d kernel (1,3) stride (1,3), no padding,
    remainder frames dropped; the CLS goes through cls_layer if there is one."""

    def __init__(self, cin, cout, cls_layer):
        super().__init__()
        self.layer = nn.Conv2d(cin, cout, (1, 3), stride=(1, 3))
        self.cls_layer = nn.Linear(cin, cout) if cls_layer else None

    def forward(self, x, cls):
        return self.layer(x), (self.cls_layer(cls) if self.cls_layer is not None else cls)


class SelfAttentionAligner(nn.Module):
    """One pre-LN transformer block over [CLS; time steps] (no positional encoding, no mask);
    the CLS token is prepended as token 0 and dropped again."""

    def __init__(self, dim, heads, mlp_ratio=4, eps=ALIGNER_EPS):
        super().__init__()
        from torchvision.models.vision_transformer import EncoderBlock
        self.block = EncoderBlock(heads, dim, mlp_ratio * dim, 0.0, 0.0, partial(nn.LayerNorm, eps=eps))
        self.use_cls = True     # sensitivity switch: False drops the CLS token

    def forward(self, x, cls):
        B, C, Fq, T = x.shape
        tokens = x.flatten(2).transpose(1, 2)
        if self.use_cls:
            tokens = torch.cat([cls[:, None, :], tokens], 1)
        tokens = self.block(tokens)[:, 1 if self.use_cls else 0:]
        return tokens.transpose(1, 2).reshape(B, C, Fq, T), cls


class AudioAligner(nn.Module):
    """audio_sa_3_3_pool_2 (Sequential2 over (map, cls) pairs)."""

    def __init__(self, Ca, code, heads, mlp_ratio=4):
        super().__init__()
        self.mod_list = nn.ModuleList([FrequencyAvg(), CNorm(Ca), LearnedTimePool(Ca, code, True),
                                       LearnedTimePool(code, code, False),
                                       SelfAttentionAligner(code, heads, mlp_ratio)])

    def forward(self, x, cls):
        for m in self.mod_list:
            x, cls = m(x, cls)
        return x


def set_layer_norm_eps(module, eps):
    """Every LayerNorm in module gets eps (the aligners' norms, spec 2)."""
    for mod in module.modules():
        if isinstance(mod, nn.LayerNorm):
            mod.eps = eps


class SimCal(nn.Module):
    """sim_cal.w (log scale), loaded for a strict key match; unused at inference (spec 3.4)."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(1))


# ---------------------------------------------------------------------------
# the model
# ---------------------------------------------------------------------------

class DenseAVRef(nn.Module):
    """DenseAV inference model: DINO ViT (+ merged LoRA) -> image aligner; HuBERT -> audio aligner
    with the learned audio CLS.  Every checkpoint key except masked_spec_embed is consumed."""

    def __init__(self, arch, sd, dtype=torch.float32, lora_scale=None):
        super().__init__()
        im, cfg, al = arch["image"], arch["audio"], arch["aligner"]
        self.arch, self.patch = arch, im["patch"]
        code = arch["code_dim"]
        self.vit = bb.torchvision_vit(im["embed_dim"], im["depth"], im["heads"], im["patch"], im["pos_grid"], im["eps"])
        self.vit.heads = nn.Identity()        # DINO num_classes=0: no classifier
        self.hubert = bb.torchaudio_hubert(cfg)
        bb.set_encoder_eps(self.hubert, HUBERT_EPS)
        self.image_aligner = ImageAligner(im["embed_dim"], code)
        self.audio_aligner = AudioAligner(cfg["hidden_size"], code, al["num_heads"], al["mlp_ratio"])
        set_layer_norm_eps(self.image_aligner, al["eps"])
        set_layer_norm_eps(self.audio_aligner, al["eps"])
        self.audio_cls = nn.Parameter(torch.zeros(cfg["hidden_size"]))
        self.sim_cal = SimCal()
        self.to(dtype).eval()     # load after the cast: the merged LoRA weight keeps full precision
        self.load_denseav(sd, arch["lora_scale"] if lora_scale is None else lora_scale)

    def load_denseav(self, sd, lora_scale):
        dino, used, self.has_lora = dino_state(sd, lora_scale)
        ref = collections.OrderedDict(("vit." + k, v) for k, v in bb.dino_to_torchvision(
            dino, set(self.vit.state_dict())).items())
        ta, u = hubert_state(sd)
        used += u
        ref.update(("hubert." + k, v) for k, v in ta.items())
        blk, u = block_keys(sd, "audio_aligner.mod_list.4.block.", "audio_aligner.mod_list.4.block.")
        ref.update(blk)
        used += u
        for k, v in sd.items():
            if k.startswith(("image_aligner.", "audio_aligner.mod_list.1.", "audio_aligner.mod_list.2.",
                             "audio_aligner.mod_list.3.")) or k in ("audio_cls", "sim_cal.w"):
                ref[k] = v
                used.append(k)
        self.load_state_dict(ref, strict=True)
        self.unused_keys = sorted(set(sd) - set(used))
        assert all(k.endswith("masked_spec_embed") for k in self.unused_keys), self.unused_keys

    def forward_image(self, img, pool=False):
        """DINO patch tokens after the final norm [B,D,h,w] -> aligned [B,code,h,w]; pool=True is
        train mode (prep_feats AvgPool2d(2), floor)."""
        vit = self.vit
        B, _, H, W = img.shape
        x = vit.conv_proj(img)
        h, w = x.shape[-2:]
        x = torch.cat([vit.class_token.expand(B, -1, -1), x.flatten(2).transpose(1, 2)], 1)
        x = x + bb.dino_interpolate_pos(vit.encoder.pos_embedding, H, W, self.patch)  # DINO's +0.1 scale
        x = vit.encoder.ln(vit.encoder.layers(x))
        backbone = x[:, 1:].transpose(1, 2).reshape(B, -1, h, w)
        feats = self.image_aligner(backbone)
        if pool:
            feats = F.avg_pool2d(feats, 2)
        return {"backbone": backbone, "feats": feats}

    def forward_audio(self, wav):
        """HuBERT last_hidden_state as [B,Ca,1,T_h] -> aligned [B,code,1,T_a] (no attention mask)."""
        f, _ = self.hubert.feature_extractor(wav, None)
        hidden = self.hubert.encoder(f, None)
        backbone = hidden.transpose(1, 2).unsqueeze(2)
        cls = self.audio_cls[None, :].expand(wav.shape[0], -1)
        return {"backbone": backbone, "feats": self.audio_aligner(backbone, cls)}


def aligned_frames(t_h):
    """T_a after the two width-3 time pools."""
    return ((t_h - 3) // 3 + 1 - 3) // 3 + 1


# ---------------------------------------------------------------------------
# mask, similarity volumes, aggregation (spec 3)
# ---------------------------------------------------------------------------

def audio_mask_frames(mask, t_a):
    """[B,L] sample mask -> [B,T_a] bool: bilinear (align_corners=False) on [B,1,1,L], then > 0.01."""
    m = F.interpolate(mask[:, None, None, :].float(), size=(1, t_a), mode="bilinear", align_corners=False)
    return m[:, 0, 0, :] > 0.01


def split_heads(x, K):
    """[B,C,...] -> [B,K,C/K,...], contiguous channel blocks."""
    return x.reshape(x.shape[0], K, x.shape[1] // K, *x.shape[2:])


def paired_volume(audio, image, mask, K):
    """P[b,k,h,w,f,t] = sum_c A[b,k,c,f,t] V[b,k,c,h,w] * mask[b,t]."""
    P = torch.einsum("bkcft,bkchw->bkhwft", split_heads(audio, K), split_heads(image, K))
    return P * mask.to(P.dtype)[:, None, None, None, None, :]


def all_pairs_volume(audio, image, K):
    """S[a,v,k,h,w,f,t] = sum_c A[a,k,c,f,t] V[v,k,c,h,w] (no mask)."""
    return torch.einsum("akcft,vkchw->avkhwft", split_heads(audio, K), split_heads(image, K))


def misa(S, mask):
    """ImageThenAudioAggregator("max", "avg") on [A,V,K,h,w,f,t]: max over w then h, mean over f,
    masked mean over t with audio a's mask, sum(x m) / max(sum m, 0.001) -> [A,V,K]."""
    x = S.max(dim=4).values.max(dim=3).values.mean(dim=3)
    m = mask.to(x.dtype)[:, None, None, :]
    return (x * m).sum(-1) / m.sum(-1).clamp_min(0.001)


def scores(audio, image, mask, K):
    """All-pairs [A,V] scores for each head aggregation, plus the per-head MISA [A,V,K]."""
    S = all_pairs_volume(audio, image, K)
    per_head = misa(S, mask)
    return {"scores_per_head": per_head,
            "scores_max_elementwise": misa(S.max(dim=2, keepdim=True).values, mask).sum(-1),
            "scores_sum": per_head.sum(-1),
            "scores_max": per_head.max(-1).values}


def heatmap(P, mask):
    """Eval heatmap from the paired volume: max over heads, mean over f -> [B,h,w,T];
    masked time mean sum_t x m / sum_t m -> [B,h,w] (raw, before any min-max)."""
    x = P.max(dim=1).values.mean(dim=3)
    m = mask.to(x.dtype)[:, None, None, :]
    return (x * m).sum(-1) / m.sum(-1)


def run_pipeline(model, image, audio, sample_mask, pool=False):
    """Every golden quantity of one case (in the model's dtype)."""
    K = model.arch["heads"]
    img = model.forward_image(image.to(model.audio_cls.dtype), pool)
    aud = model.forward_audio(audio.to(model.audio_cls.dtype))
    mask = audio_mask_frames(sample_mask, aud["feats"].shape[-1])
    P = paired_volume(aud["feats"], img["feats"], mask, K)
    out = collections.OrderedDict(image_backbone=img["backbone"], audio_backbone=aud["backbone"],
                                  image_feats=img["feats"], audio_feats=aud["feats"], mask_ta=mask,
                                  paired_volume=P)
    out.update(scores(aud["feats"], img["feats"], mask, K))
    out["heatmap"] = heatmap(P, mask)
    return out


class EvalPipeline(nn.Module):
    """image [1,3,H,W], audio [1,L], sample mask [1,L] -> (per-head score [1,1,K], paired volume
    [1,K,h,w,1,T_a], heatmap [1,h,w]); for torch.onnx.export and the torch benchmark."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, image, audio, mask):
        out = run_pipeline(self.model, image, audio, mask)
        return out["scores_per_head"], out["paired_volume"], out["heatmap"]
