"""Deterministic random values for fixture tensors and tiny-model parameters.

numpy's RandomState is used (not torch's generator) so that values do not depend on
the torch version."""

import math

import numpy as np
import torch


def q(rs, shape, std, grid=64):
    """Random values quantised to multiples of 1/grid (short, exact JSON numbers)."""
    return np.round(rs.standard_normal(shape) * std * grid) / grid


def rs_f32(rs, shape):
    """Full-precision float32 tensor of standard-normal values from RandomState rs."""
    return torch.from_numpy(rs.standard_normal(shape).astype(np.float32))


def fill_module(module, seed):
    """Overwrite every parameter with deterministic, quantised random values.

    numpy's RandomState is used (not torch's generator) so that values do not depend
    on the torch version.  LayerNorm/GroupNorm weights are ~1, biases small,
    matrices ~ 1/sqrt(fan_in), weight-norm gains positive."""
    rs = np.random.RandomState(seed)
    with torch.no_grad():
        for name, p in module.state_dict(keep_vars=True).items():
            shape = tuple(p.shape)
            leaf = name.rsplit(".", 1)[-1]
            is_norm = ("norm" in name) and p.dim() == 1
            if leaf == "weight_g":
                vals = 0.5 + np.abs(q(rs, shape, 0.25))
            elif is_norm and leaf == "weight":
                vals = 1.0 + q(rs, shape, 0.1)
            elif leaf == "bias":
                vals = q(rs, shape, 0.02)
            elif p.dim() >= 2 and leaf not in ("cls_token", "pos_embed"):
                fan_in = int(np.prod(shape[1:]))
                vals = q(rs, shape, 1.0 / math.sqrt(fan_in))
            else:  # cls_token, pos_embed, masked_spec_embed, audio_cls, sim_cal.w
                vals = q(rs, shape, 0.1)
            p.copy_(torch.from_numpy(vals.astype(np.float32)))
    return module
