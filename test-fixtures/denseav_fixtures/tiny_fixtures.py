"""Fixtures from the tiny models in official layouts: tiny_dino_vit.pth,
tiny_hubert_hf.bin, hf_hubert_tiny/, tiny_hubert_base_hf/, tiny_hubert_torchaudio.pt,
tiny_denseav.ckpt and tiny_denseav_hf/.  Each state dict is checked against the
shape table that also produces families/."""

import json

import numpy as np
import torch

from .denseav import denseav_hparams, denseav_shapes
from .dino import dino_shapes
from .expected import safetensors_expected, to_plain
from .hubert import cross_check_hf_vs_torchaudio, hf_hubert_shapes
from .lightning import ADAM_BETAS, AttributeDict, lightning_dict
from .output import OUT, register, save_torch_zip_fixture
from .shapes import assert_layout
from .tiny import (TINY_DENSEAV, TINY_DENSEAV_AUDIO_CFG, TINY_DINO,
                   TINY_HUBERT_BASE_CFG, TINY_HUBERT_CTC_CFG, TINY_HUBERT_LARGE_CFG, tiny_denseav,
                   tiny_dino_vit, tiny_hubert_base, tiny_hubert_ctc, tiny_hubert_large,
                   tiny_hubert_torchaudio)
from .writers import write_safetensors, write_text

# hyper_parameters of tiny_denseav.ckpt (and config.json of tiny_denseav_hf/)
TINY_DENSEAV_HPARAMS = dict(denseav_hparams("denseav_2head"), code_dim=16, betas=ADAM_BETAS)


def write_hf_dir(dirpath, state_dict, config):
    dirpath.mkdir(parents=True, exist_ok=True)
    write_safetensors(dirpath / "model.safetensors", state_dict, {"format": "pt"})
    write_text(dirpath / "config.json", json.dumps(config, indent=2) + "\n")
    register(dirpath, "safetensors", safetensors_expected(state_dict, {"config.json": config}))


def build_tiny_models():
    torch.manual_seed(0)
    # tiny_dino_vit.pth
    d = TINY_DINO
    sd = tiny_dino_vit().state_dict()
    assert_layout(sd, dino_shapes(d["dim"], d["depth"], d["patch"], d["img"]), "tiny dino")
    save_torch_zip_fixture(sd, OUT / "tiny_dino_vit.pth")

    # tiny_hubert_hf.bin (HubertForCTC, stable layer norm, "hubert." prefix + lm_head)
    ctc = tiny_hubert_ctc()
    sd = ctc.state_dict()
    assert_layout(sd, hf_hubert_shapes(TINY_HUBERT_CTC_CFG, "hubert.", lm_head=True), "tiny hubert ctc")
    err1 = cross_check_hf_vs_torchaudio(ctc.hubert, TINY_HUBERT_CTC_CFG)
    save_torch_zip_fixture(sd, OUT / "tiny_hubert_hf.bin")

    # hf_hubert_tiny/ (HubertModel, stable layer norm, no prefix)
    sd = tiny_hubert_large().state_dict()
    assert_layout(sd, hf_hubert_shapes(TINY_HUBERT_LARGE_CFG), "hf_hubert_tiny")
    write_hf_dir(OUT / "hf_hubert_tiny", sd, TINY_HUBERT_LARGE_CFG)

    # tiny_hubert_base_hf/ (group-norm extractor, no conv bias, post-LN encoder)
    m = tiny_hubert_base()
    sd = m.state_dict()
    assert_layout(sd, hf_hubert_shapes(TINY_HUBERT_BASE_CFG), "tiny hubert base")
    err2 = cross_check_hf_vs_torchaudio(m, TINY_HUBERT_BASE_CFG)
    write_hf_dir(OUT / "tiny_hubert_base_hf", sd, TINY_HUBERT_BASE_CFG)

    # tiny_hubert_torchaudio.pt
    save_torch_zip_fixture(tiny_hubert_torchaudio().state_dict(), OUT / "tiny_hubert_torchaudio.pt")

    # tiny_denseav.ckpt + tiny_denseav_hf/
    t = TINY_DENSEAV
    sd = tiny_denseav().state_dict()
    assert_layout(sd, denseav_shapes(t["image_dim"], t["image_depth"], t["patch"], t["img"],
                                     t["lora_rank"], TINY_DENSEAV_AUDIO_CFG, t["code_dim"]), "tiny denseav")
    rs = np.random.RandomState(16)
    ck = lightning_dict(sd, AttributeDict(TINY_DENSEAV_HPARAMS), rs)
    save_torch_zip_fixture(ck, OUT / "tiny_denseav.ckpt")
    write_hf_dir(OUT / "tiny_denseav_hf", sd, to_plain(TINY_DENSEAV_HPARAMS))
    return err1, err2
