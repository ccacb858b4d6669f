"""HuggingFace transformers HubertModel layout: tiny real torch modules
(HFHubertModel, HFHubertForCTC and their parts), the config.json builder, the
key/shape tables, and the cross-check of the HF-layout forward against torchaudio."""

import collections

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class HFConvLayer(nn.Module):
    def __init__(self, cin, cout, k, stride, bias, norm):
        super().__init__()
        self.conv = nn.Conv1d(cin, cout, k, stride=stride, bias=bias)
        self.norm_kind = norm
        if norm == "layer":
            self.layer_norm = nn.LayerNorm(cout, elementwise_affine=True)
        elif norm == "group":
            self.layer_norm = nn.GroupNorm(cout, cout, affine=True)

    def forward(self, x):
        x = self.conv(x)
        if self.norm_kind == "layer":
            x = self.layer_norm(x.transpose(-2, -1)).transpose(-2, -1)
        elif self.norm_kind == "group":
            x = self.layer_norm(x)
        return F.gelu(x)


class HFFeatureEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        layers = []
        cin = 1
        for i, (c, k, s) in enumerate(zip(cfg["conv_dim"], cfg["conv_kernel"], cfg["conv_stride"])):
            if cfg["feat_extract_norm"] == "layer":
                norm = "layer"
            else:
                norm = "group" if i == 0 else None
            layers.append(HFConvLayer(cin, c, k, s, cfg["conv_bias"], norm))
            cin = c
        self.conv_layers = nn.ModuleList(layers)

    def forward(self, x):
        x = x[:, None]
        for layer in self.conv_layers:
            x = layer(x)
        return x


class HFFeatureProjection(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer_norm = nn.LayerNorm(cfg["conv_dim"][-1], eps=cfg["layer_norm_eps"])
        self.projection = nn.Linear(cfg["conv_dim"][-1], cfg["hidden_size"])

    def forward(self, x):
        return self.projection(self.layer_norm(x))


class HFPosConv(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        C, K = cfg["hidden_size"], cfg["num_conv_pos_embeddings"]
        conv = nn.Conv1d(C, C, K, padding=K // 2, groups=cfg["num_conv_pos_embedding_groups"])
        self.conv = nn.utils.weight_norm(conv, name="weight", dim=2)
        self.num_pad_remove = 1 if K % 2 == 0 else 0

    def forward(self, x):  # x: [B, C, T]
        x = self.conv(x)
        if self.num_pad_remove:
            x = x[:, :, :-self.num_pad_remove]
        return F.gelu(x)


class HFAttention(nn.Module):
    def __init__(self, C, heads):
        super().__init__()
        self.heads = heads
        self.k_proj = nn.Linear(C, C)
        self.v_proj = nn.Linear(C, C)
        self.q_proj = nn.Linear(C, C)
        self.out_proj = nn.Linear(C, C)

    def forward(self, x):
        B, T, C = x.shape
        hd = C // self.heads
        q = (self.q_proj(x) * hd ** -0.5).view(B, T, self.heads, hd).transpose(1, 2)
        k = self.k_proj(x).view(B, T, self.heads, hd).transpose(1, 2)
        v = self.v_proj(x).view(B, T, self.heads, hd).transpose(1, 2)
        a = (q @ k.transpose(-2, -1)).softmax(-1)
        return self.out_proj((a @ v).transpose(1, 2).reshape(B, T, C))


class HFFeedForward(nn.Module):
    def __init__(self, C, ff):
        super().__init__()
        self.intermediate_dense = nn.Linear(C, ff)
        self.output_dense = nn.Linear(ff, C)

    def forward(self, x):
        return self.output_dense(F.gelu(self.intermediate_dense(x)))


class HFEncoderLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        C = cfg["hidden_size"]
        self.stable = cfg["do_stable_layer_norm"]
        self.attention = HFAttention(C, cfg["num_attention_heads"])
        self.layer_norm = nn.LayerNorm(C, eps=cfg["layer_norm_eps"])
        self.feed_forward = HFFeedForward(C, cfg["intermediate_size"])
        self.final_layer_norm = nn.LayerNorm(C, eps=cfg["layer_norm_eps"])

    def forward(self, x):
        if self.stable:  # HubertEncoderLayerStableLayerNorm (pre-LN)
            x = x + self.attention(self.layer_norm(x))
            return x + self.feed_forward(self.final_layer_norm(x))
        x = self.layer_norm(x + self.attention(x))  # HubertEncoderLayer (post-LN)
        return self.final_layer_norm(x + self.feed_forward(x))


class HFEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.stable = cfg["do_stable_layer_norm"]
        self.pos_conv_embed = HFPosConv(cfg)
        self.layer_norm = nn.LayerNorm(cfg["hidden_size"], eps=cfg["layer_norm_eps"])
        self.layers = nn.ModuleList([HFEncoderLayer(cfg) for _ in range(cfg["num_hidden_layers"])])

    def forward(self, x):
        x = x + self.pos_conv_embed(x.transpose(1, 2)).transpose(1, 2)
        if not self.stable:
            x = self.layer_norm(x)
        for layer in self.layers:
            x = layer(x)
        if self.stable:
            x = self.layer_norm(x)
        return x


class HFHubertModel(nn.Module):
    """transformers HubertModel key layout (masked_spec_embed, feature_extractor.*,
    feature_projection.*, encoder.*); eval-mode forward -> last_hidden_state."""

    def __init__(self, cfg):
        super().__init__()
        self.feature_extractor = HFFeatureEncoder(cfg)
        self.feature_projection = HFFeatureProjection(cfg)
        self.masked_spec_embed = nn.Parameter(torch.zeros(cfg["hidden_size"]))
        self.encoder = HFEncoder(cfg)

    def forward(self, wav):
        x = self.feature_extractor(wav).transpose(1, 2)
        return self.encoder(self.feature_projection(x))


class HFHubertForCTC(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.hubert = HFHubertModel(cfg)
        self.lm_head = nn.Linear(cfg["hidden_size"], cfg["vocab_size"])

    def forward(self, wav):
        return self.lm_head(self.hubert(wav))


def hf_hubert_config(style, hidden, layers, heads, ff, conv_dim, pos_k, pos_g, vocab=32, ctc=False):
    large = style == "large"
    return {
        "architectures": ["HubertForCTC" if ctc else "HubertModel"],
        "model_type": "hubert",
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": ff,
        "hidden_act": "gelu",
        "hidden_dropout": 0.0,
        "activation_dropout": 0.0,
        "attention_dropout": 0.0,
        "feat_proj_dropout": 0.0,
        "feat_proj_layer_norm": True,
        "final_dropout": 0.0,
        "layerdrop": 0.0,
        "layer_norm_eps": 1e-05,
        "feat_extract_norm": "layer" if large else "group",
        "feat_extract_activation": "gelu",
        "conv_dim": list(conv_dim),
        "conv_stride": [5, 2, 2, 2, 2, 2, 2],
        "conv_kernel": [10, 3, 3, 3, 3, 2, 2],
        "conv_bias": large,
        "num_conv_pos_embeddings": pos_k,
        "num_conv_pos_embedding_groups": pos_g,
        "do_stable_layer_norm": large,
        "apply_spec_augment": True,
        "mask_time_prob": 0.05,
        "mask_time_length": 10,
        "mask_feature_prob": 0.0,
        "mask_feature_length": 10,
        "vocab_size": vocab,
        "pad_token_id": 0,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "ctc_loss_reduction": "sum",
        "torch_dtype": "float32",
        "transformers_version": "4.26.1",
    }


# full-size configs (HuBERT Large / Base)
HUBERT_LARGE_CFG = hf_hubert_config("large", 1024, 24, 16, 4096, [512] * 7, 128, 16, vocab=32)
HUBERT_BASE_CFG = hf_hubert_config("base", 768, 12, 12, 3072, [512] * 7, 128, 16, vocab=32)


# ---------------------------------------------------------------------------
# Shape table (full-size families; the tiny modules are checked against it)
# ---------------------------------------------------------------------------

def hf_hubert_shapes(cfg, prefix="", lm_head=False):
    s = collections.OrderedDict()
    C = cfg["hidden_size"]
    s[prefix + "masked_spec_embed"] = [C]
    cin = 1
    layer_norm = cfg["feat_extract_norm"] == "layer"
    for i, (c, k) in enumerate(zip(cfg["conv_dim"], cfg["conv_kernel"])):
        b = f"{prefix}feature_extractor.conv_layers.{i}."
        s[b + "conv.weight"] = [c, cin, k]
        if cfg["conv_bias"]:
            s[b + "conv.bias"] = [c]
        if layer_norm or i == 0:
            s[b + "layer_norm.weight"] = [c]
            s[b + "layer_norm.bias"] = [c]
        cin = c
    s[prefix + "feature_projection.layer_norm.weight"] = [cin]
    s[prefix + "feature_projection.layer_norm.bias"] = [cin]
    s[prefix + "feature_projection.projection.weight"] = [C, cin]
    s[prefix + "feature_projection.projection.bias"] = [C]
    K, G = cfg["num_conv_pos_embeddings"], cfg["num_conv_pos_embedding_groups"]
    s[prefix + "encoder.pos_conv_embed.conv.bias"] = [C]
    s[prefix + "encoder.pos_conv_embed.conv.weight_g"] = [1, 1, K]
    s[prefix + "encoder.pos_conv_embed.conv.weight_v"] = [C, C // G, K]
    s[prefix + "encoder.layer_norm.weight"] = [C]
    s[prefix + "encoder.layer_norm.bias"] = [C]
    ff = cfg["intermediate_size"]
    for i in range(cfg["num_hidden_layers"]):
        b = f"{prefix}encoder.layers.{i}."
        for p in ("k_proj", "v_proj", "q_proj", "out_proj"):
            s[b + f"attention.{p}.weight"] = [C, C]
            s[b + f"attention.{p}.bias"] = [C]
        s[b + "layer_norm.weight"] = [C]
        s[b + "layer_norm.bias"] = [C]
        s[b + "feed_forward.intermediate_dense.weight"] = [ff, C]
        s[b + "feed_forward.intermediate_dense.bias"] = [ff]
        s[b + "feed_forward.output_dense.weight"] = [C, ff]
        s[b + "feed_forward.output_dense.bias"] = [C]
        s[b + "final_layer_norm.weight"] = [C]
        s[b + "final_layer_norm.bias"] = [C]
    if lm_head:
        s["lm_head.weight"] = [cfg["vocab_size"], C]
        s["lm_head.bias"] = [cfg["vocab_size"]]
    return s


# ---------------------------------------------------------------------------
# torchaudio equivalent (validates the layout mapping and HFHubertModel.forward)
# ---------------------------------------------------------------------------

def torchaudio_from_hf_config(cfg):
    """torchaudio.models.wav2vec2_model(...) with the architecture of an HF HuBERT config."""
    import torchaudio
    conv = [(c, k, s) for c, k, s in zip(cfg["conv_dim"], cfg["conv_kernel"], cfg["conv_stride"])]
    return torchaudio.models.wav2vec2_model(
        extractor_mode="layer_norm" if cfg["feat_extract_norm"] == "layer" else "group_norm",
        extractor_conv_layer_config=conv, extractor_conv_bias=cfg["conv_bias"],
        encoder_embed_dim=cfg["hidden_size"], encoder_projection_dropout=0.0,
        encoder_pos_conv_kernel=cfg["num_conv_pos_embeddings"],
        encoder_pos_conv_groups=cfg["num_conv_pos_embedding_groups"],
        encoder_num_layers=cfg["num_hidden_layers"], encoder_num_heads=cfg["num_attention_heads"],
        encoder_attention_dropout=0.0, encoder_ff_interm_features=cfg["intermediate_size"],
        encoder_ff_interm_dropout=0.0, encoder_dropout=0.0,
        encoder_layer_norm_first=cfg["do_stable_layer_norm"], encoder_layer_drop=0.0, aux_num_out=None)


def hf_to_torchaudio_key(k):
    if k.startswith("feature_extractor."):
        return k
    if k.startswith("feature_projection."):
        return "encoder." + k
    if k.startswith("encoder."):
        return "encoder.transformer." + k[len("encoder."):]
    return None


def cross_check_hf_vs_torchaudio(hf_model, cfg):
    """Load the HF-layout weights into an equivalent torchaudio model and compare the
    eval forward passes: validates both the layout mapping and HFHubertModel.forward."""
    ta = torchaudio_from_hf_config(cfg)
    mapped = {hf_to_torchaudio_key(k): v for k, v in hf_model.state_dict().items()
              if hf_to_torchaudio_key(k) is not None}
    ta.load_state_dict(mapped, strict=True)
    ta.eval()
    hf_model.eval()
    wav = torch.from_numpy(np.random.RandomState(99).standard_normal((2, 4000)).astype(np.float32))
    with torch.no_grad():
        a = hf_model(wav)
        b, _ = ta(wav)
    err = (a - b).abs().max().item()
    assert a.shape == b.shape and err < 1e-4, (a.shape, b.shape, err)
    return err
