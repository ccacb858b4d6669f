"""DenseAV (LitAVAligner) layout: parameter-only torch modules that reproduce the key
names, shapes and order of DenseAV's state_dict (LoRA DINO image model, HF HuBERT
audio model, aligners, sim_cal), the hyper-parameters, and the key/shape tables."""

import collections

import torch
import torch.nn as nn

from .dino import DinoBlock, DinoViT, dino_shapes, vit_block_shapes
from .hubert import HUBERT_LARGE_CFG, HFHubertModel, hf_hubert_shapes


class Wrap(nn.Module):
    """Empty container used to reproduce attribute prefixes such as
    image_model.base_model.model.model."""

    def __init__(self, **children):
        super().__init__()
        for k, v in children.items():
            setattr(self, k, v)


class ChannelNorm(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.norm = nn.LayerNorm(dim, eps=1e-4)


class ParamFree(nn.Module):
    """Stands for the parameter-free first stage of DenseAV's audio aligner."""


class TimeConv(nn.Module):
    def __init__(self, cin, cout, cls_layer):
        super().__init__()
        self.layer = nn.Conv2d(cin, cout, kernel_size=(1, 3), padding=(0, 1))
        if cls_layer:
            self.cls_layer = nn.Linear(cin, cout)


class BlockWrap(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.block = DinoBlock(dim, heads)


class Sequential2(nn.Module):
    def __init__(self, *mods):
        super().__init__()
        self.mod_list = nn.ModuleList(mods)


class LinearAligner(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.norm = ChannelNorm(cin)
        self.layer = nn.Conv2d(cin, cout, kernel_size=1)
        self.cls_layer = nn.Linear(cin, cout)


class SimCal(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(1))


class DenseAVModel(nn.Module):
    """Parameter layout of DenseAV's LitAVAligner state_dict (no forward: the aligner
    semantics live in the Java port; this only fixes keys, shapes and order)."""

    def __init__(self, image_dim, image_heads, image_depth, patch, img, lora_rank,
                 audio_cfg, code_dim, code_heads):
        super().__init__()
        Ca = audio_cfg["hidden_size"]
        self.audio_cls = nn.Parameter(torch.zeros(Ca))
        vit = DinoViT(image_dim, image_depth, image_heads, patch, img, lora_rank)
        if lora_rank:
            self.image_model = Wrap(base_model=Wrap(model=Wrap(model=vit)))
        else:
            self.image_model = Wrap(model=vit)
        self.image_aligner = LinearAligner(image_dim, code_dim)
        self.audio_model = Wrap(model=HFHubertModel(audio_cfg))
        self.audio_aligner = Sequential2(ParamFree(), ChannelNorm(Ca), TimeConv(Ca, code_dim, True),
                                         TimeConv(code_dim, code_dim, False), BlockWrap(code_dim, code_heads))
        self.sim_cal = SimCal()


# ---------------------------------------------------------------------------
# Shape tables and hyper-parameters (full-size variants)
# ---------------------------------------------------------------------------

def denseav_shapes(image_dim, image_depth, patch, img, lora_rank, audio_cfg, code_dim):
    Ca = audio_cfg["hidden_size"]
    s = collections.OrderedDict()
    s["audio_cls"] = [Ca]
    img_prefix = "image_model.base_model.model.model." if lora_rank else "image_model.model."
    s.update(dino_shapes(image_dim, image_depth, patch, img, img_prefix, lora_rank))
    s["image_aligner.norm.norm.weight"] = [image_dim]
    s["image_aligner.norm.norm.bias"] = [image_dim]
    s["image_aligner.layer.weight"] = [code_dim, image_dim, 1, 1]
    s["image_aligner.layer.bias"] = [code_dim]
    s["image_aligner.cls_layer.weight"] = [code_dim, image_dim]
    s["image_aligner.cls_layer.bias"] = [code_dim]
    s.update(hf_hubert_shapes(audio_cfg, "audio_model.model."))
    s["audio_aligner.mod_list.1.norm.weight"] = [Ca]
    s["audio_aligner.mod_list.1.norm.bias"] = [Ca]
    s["audio_aligner.mod_list.2.layer.weight"] = [code_dim, Ca, 1, 3]
    s["audio_aligner.mod_list.2.layer.bias"] = [code_dim]
    s["audio_aligner.mod_list.2.cls_layer.weight"] = [code_dim, Ca]
    s["audio_aligner.mod_list.2.cls_layer.bias"] = [code_dim]
    s["audio_aligner.mod_list.3.layer.weight"] = [code_dim, code_dim, 1, 3]
    s["audio_aligner.mod_list.3.layer.bias"] = [code_dim]
    s.update(vit_block_shapes("audio_aligner.mod_list.4.block.", code_dim))
    s["sim_cal.w"] = [1]
    return s


def denseav_hparams(variant):
    heads = 2 if variant == "denseav_2head" else 1
    lora = variant != "denseav_sound"
    return {"code_dim": 384, "sim_agg_heads": heads, "image_model_type": "dino8",
            "image_aligner_type": "image_linear", "audio_model_type": "hubert",
            "audio_aligner_type": "audio_sa_3_3_pool_2", "image_lora": lora, "image_lora_rank": 8,
            "learn_audio_cls": True, "sim_agg_type": "misa", "head_agg": "max_elementwise",
            "sim_use_cls": False, "norm_vectors": False, "lr": 5e-05}


def full_denseav_shapes(variant="denseav_2head"):
    lora = 8 if variant != "denseav_sound" else None
    return denseav_shapes(384, 12, 8, 224, lora, HUBERT_LARGE_CFG, 384)
