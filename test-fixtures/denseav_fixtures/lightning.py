"""PyTorch Lightning checkpoint layout without the pytorch_lightning package: a fake
`pytorch_lightning.utilities.parsing` module (so that pickle records the real global
name of AttributeDict), the PL 1.9-style checkpoint dict, and the lightning*.ckpt
fixtures.

Importing this module installs the fake pytorch_lightning modules into sys.modules."""

import sys
import types

import numpy as np
import torch
import torch.nn as nn

from .denseav import SimCal, Wrap
from .output import OUT, save_torch_zip_fixture
from .weights import rs_f32


# ---------------------------------------------------------------------------
# Fake pytorch_lightning module so that pickle records the real global name
# `pytorch_lightning.utilities.parsing AttributeDict`.
# ---------------------------------------------------------------------------

def _install_fake_lightning():
    if "pytorch_lightning.utilities.parsing" in sys.modules and hasattr(
            sys.modules["pytorch_lightning.utilities.parsing"], "AttributeDict"):
        return sys.modules["pytorch_lightning.utilities.parsing"].AttributeDict
    pl = types.ModuleType("pytorch_lightning")
    utilities = types.ModuleType("pytorch_lightning.utilities")
    parsing = types.ModuleType("pytorch_lightning.utilities.parsing")
    pl.utilities = utilities
    utilities.parsing = parsing

    class AttributeDict(dict):
        """Same shape as pytorch_lightning.utilities.parsing.AttributeDict (a dict subclass)."""

        def __getattr__(self, key):
            try:
                return self[key]
            except KeyError as exp:
                raise AttributeError(f'Missing attribute "{key}"') from exp

        def __setattr__(self, key, val):
            self[key] = val

    AttributeDict.__module__ = "pytorch_lightning.utilities.parsing"
    AttributeDict.__qualname__ = "AttributeDict"
    AttributeDict.__name__ = "AttributeDict"
    parsing.AttributeDict = AttributeDict
    sys.modules["pytorch_lightning"] = pl
    sys.modules["pytorch_lightning.utilities"] = utilities
    sys.modules["pytorch_lightning.utilities.parsing"] = parsing
    return AttributeDict


AttributeDict = _install_fake_lightning()


# ---------------------------------------------------------------------------
# Checkpoint dict
# ---------------------------------------------------------------------------

class TinyLit(nn.Module):
    """A few DenseAV-like keys for the Lightning fixtures."""

    def __init__(self):
        super().__init__()
        self.audio_cls = nn.Parameter(torch.zeros(8))
        self.sim_cal = SimCal()
        self.image_aligner = Wrap(layer=nn.Conv2d(6, 4, 1), cls_layer=nn.Linear(6, 4))


def tiny_lit(rs):
    """TinyLit with every parameter drawn (full precision) from RandomState rs."""
    m = TinyLit()
    with torch.no_grad():
        for _, prm in m.state_dict(keep_vars=True).items():
            prm.copy_(rs_f32(rs, tuple(prm.shape)))
    return m


# Adam betas in optimizer_states.  tiny_denseav.ckpt repeats this very tuple object in
# its hyper_parameters, so the pickle stores it once and refers back to it (a memo GET).
ADAM_BETAS = (0.9, 0.999)


def lightning_dict(state_dict, hparams, rs):
    cb_key = ("ModelCheckpoint{'monitor': None, 'mode': 'min', 'every_n_train_steps': 0, "
              "'every_n_epochs': 1, 'train_time_interval': None}")
    params = list(state_dict.values())
    opt_state = {}
    for i, t in enumerate(params[:2]):
        opt_state[i] = {"step": torch.tensor(1200.0),
                        "exp_avg": rs_f32(rs, tuple(t.shape)),
                        "exp_avg_sq": rs_f32(rs, tuple(t.shape)).abs()}
    progress = {"ready": 1200, "completed": 1200, "started": 1200, "processed": 1200}
    return {
        "epoch": 3,
        "global_step": 1200,
        "pytorch-lightning_version": "1.9.4",
        "state_dict": state_dict,
        "loops": {
            "fit_loop": {
                "state_dict": {},
                "epoch_loop.state_dict": {"_batches_that_stepped": 1200},
                "epoch_loop.batch_progress": {"total": dict(progress), "current": dict(progress),
                                              "is_last_batch": False},
                "epoch_loop.scheduler_progress": {"total": {"ready": 0, "completed": 0},
                                                  "current": {"ready": 0, "completed": 0}},
                "epoch_progress": {"total": {"ready": 4, "completed": 3, "started": 4, "processed": 3},
                                   "current": {"ready": 4, "completed": 3, "started": 4, "processed": 3}},
            },
            "validate_loop": {"state_dict": {}, "dataloader_progress": {"total": {"ready": 3, "completed": 3}}},
            "test_loop": {"state_dict": {}},
            "predict_loop": {"state_dict": {}},
        },
        "callbacks": {cb_key: {
            "monitor": None,
            "best_model_score": torch.tensor(0.25),
            "best_model_path": "/x/epoch=2-step=1200.ckpt",
            "current_score": None,
            "dirpath": "/x",
            "best_k_models": {},
            "kth_best_model_path": "",
            "kth_value": torch.tensor(0.5),
            "last_model_path": "",
        }},
        "optimizer_states": [{
            "state": opt_state,
            "param_groups": [{"lr": 5e-05, "betas": ADAM_BETAS, "eps": 1e-07, "weight_decay": 0,
                              "amsgrad": False, "maximize": False, "foreach": None,
                              "capturable": False, "differentiable": False, "fused": False,
                              "params": [0, 1]}],
        }],
        "lr_schedulers": [],
        "hparams_name": "kwargs",
        "hyper_parameters": hparams,
    }


# ---------------------------------------------------------------------------
# Fixtures: lightning.ckpt, lightning_omegaconf.ckpt
# ---------------------------------------------------------------------------

def build_lightning():
    torch.manual_seed(0)
    rs = np.random.RandomState(2)
    # state_dict with full-precision values
    m = tiny_lit(rs)
    sd = m.state_dict()
    hp = AttributeDict({"code_dim": 384, "sim_agg_heads": 2, "image_model_type": "dino8",
                        "audio_model_type": "hubert", "image_lora": True, "learn_audio_cls": True,
                        "lr": 5e-05, "nested": {"a": [1, 2.5, None, "x"]}, "tuple": (1, 2),
                        "big_int": 12345678901234, "neg": -3, "neg_float": -0.001})
    ck = lightning_dict(sd, hp, rs)
    save_torch_zip_fixture(ck, OUT / "lightning.ckpt")

    from omegaconf import OmegaConf
    cfg = OmegaConf.create({"code_dim": 384, "sim_agg_heads": 2, "image_model_type": "dino8",
                            "audio_model_type": "hubert", "image_lora": True, "lr": 5e-05,
                            "optim": {"name": "adam", "betas": [0.9, 0.999], "sched": None},
                            "datasets": ["places-audio", "audioset"],
                            "nested": {"a": [1, 2.5, None, "x", {"deep": True}]}})
    ck2 = lightning_dict(m.state_dict(), cfg, rs)
    save_torch_zip_fixture(ck2, OUT / "lightning_omegaconf.ckpt")
