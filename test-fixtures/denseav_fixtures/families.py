"""families/*.shapes.json: full-size key/shape tables (no data) for the DINO, HuBERT
(HF and torchaudio) and DenseAV checkpoints the Java loader must recognise."""

import collections
import json

from .denseav import denseav_hparams, full_denseav_shapes
from .dino import dino_shapes
from .hubert import HUBERT_BASE_CFG, HUBERT_LARGE_CFG, hf_hubert_shapes
from .output import OUT
from .shapes import numel
from .writers import write_text


def build_families():
    fam = OUT / "families"
    fam.mkdir(parents=True, exist_ok=True)
    totals = {}

    def emit(name, metadata, shapes):
        write_text(fam / f"{name}.shapes.json",
                   json.dumps({"metadata": metadata, "shapes": shapes}, indent=1) + "\n")
        totals[name] = sum(numel(s) for s in shapes.values())

    for name, D, heads, patch in (("dino_vits8", 384, 6, 8), ("dino_vits16", 384, 6, 16),
                                  ("dino_vitb8", 768, 12, 8), ("dino_vitb16", 768, 12, 16)):
        emit(name, {"family": name, "arch": "vit_small" if D == 384 else "vit_base", "embed_dim": D,
                    "depth": 12, "num_heads": heads, "patch_size": patch, "img_size": 224},
             dino_shapes(D, 12, patch, 224))
    emit("hubert_base_hf", {"config.json": HUBERT_BASE_CFG}, hf_hubert_shapes(HUBERT_BASE_CFG))
    emit("hubert_large_hf", {"config.json": HUBERT_LARGE_CFG}, hf_hubert_shapes(HUBERT_LARGE_CFG))
    ctc_cfg = dict(HUBERT_LARGE_CFG, architectures=["HubertForCTC"])
    emit("hubert_large_hf_ctc", {"config.json": ctc_cfg}, hf_hubert_shapes(ctc_cfg, "hubert.", lm_head=True))
    import torchaudio
    for name, factory in (("hubert_large_torchaudio", torchaudio.models.hubert_large),
                          ("hubert_base_torchaudio", torchaudio.models.hubert_base)):
        model = factory()
        shapes = collections.OrderedDict((k, list(v.shape)) for k, v in model.state_dict().items())
        emit(name, {"family": name, "torchaudio_factory": f"torchaudio.models.{factory.__name__}()",
                    "torchaudio_version": torchaudio.__version__}, shapes)
        del model
    for variant in ("denseav_2head", "denseav_language", "denseav_sound"):
        emit(variant, {"hyper_parameters": denseav_hparams(variant)}, full_denseav_shapes(variant))
    return totals
