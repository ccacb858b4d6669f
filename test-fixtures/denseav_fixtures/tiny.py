"""Tiny model sizes and the seeded tiny models behind the tiny_* fixtures.

Each factory returns a real torch module in an official key layout, with every
parameter overwritten by fill_module(module, seed): calling it again gives exactly
the weights stored in the corresponding fixture, so forward-pass goldens can be
computed from these modules directly."""

from .denseav import DenseAVModel
from .dino import DinoViT
from .hubert import HFHubertForCTC, HFHubertModel, hf_hubert_config, torchaudio_from_hf_config
from .weights import fill_module

TINY_DINO = dict(dim=32, depth=2, heads=2, patch=8, img=32)
TINY_HUBERT_LARGE_CFG = hf_hubert_config("large", 32, 2, 2, 64, [16] * 7, 16, 4, vocab=32)
TINY_HUBERT_CTC_CFG = dict(TINY_HUBERT_LARGE_CFG, architectures=["HubertForCTC"])
TINY_HUBERT_BASE_CFG = hf_hubert_config("base", 32, 2, 2, 64, [16] * 7, 16, 4, vocab=32)
# the DenseAV tiny model is smaller still, to keep its two copies (ckpt + hf) small
TINY_DENSEAV_AUDIO_CFG = hf_hubert_config("large", 16, 2, 2, 32, [8] * 7, 8, 2, vocab=32)
TINY_DENSEAV = dict(image_dim=16, image_heads=2, image_depth=2, patch=8, img=32, lora_rank=8,
                    code_dim=16, code_heads=2)


def tiny_dino_vit():
    """DinoViT behind tiny_dino_vit.pth."""
    d = TINY_DINO
    return fill_module(DinoViT(d["dim"], d["depth"], d["heads"], d["patch"], d["img"]), 10)


def tiny_hubert_ctc():
    """HFHubertForCTC (TINY_HUBERT_CTC_CFG) behind tiny_hubert_hf.bin."""
    return fill_module(HFHubertForCTC(TINY_HUBERT_CTC_CFG), 11)


def tiny_hubert_large():
    """HFHubertModel (TINY_HUBERT_LARGE_CFG, stable layer norm) behind hf_hubert_tiny/."""
    return fill_module(HFHubertModel(TINY_HUBERT_LARGE_CFG), 12)


def tiny_hubert_base():
    """HFHubertModel (TINY_HUBERT_BASE_CFG, group norm, post-LN) behind tiny_hubert_base_hf/."""
    return fill_module(HFHubertModel(TINY_HUBERT_BASE_CFG), 13)


def tiny_hubert_torchaudio():
    """torchaudio wav2vec2_model (the architecture of TINY_HUBERT_LARGE_CFG) behind
    tiny_hubert_torchaudio.pt."""
    return fill_module(torchaudio_from_hf_config(TINY_HUBERT_LARGE_CFG), 14)


def tiny_denseav():
    """DenseAVModel (parameters only, no forward) behind tiny_denseav.ckpt and tiny_denseav_hf/."""
    t = TINY_DENSEAV
    return fill_module(DenseAVModel(t["image_dim"], t["image_heads"], t["image_depth"], t["patch"],
                                    t["img"], t["lora_rank"], TINY_DENSEAV_AUDIO_CFG, t["code_dim"],
                                    t["code_heads"]), 15)
