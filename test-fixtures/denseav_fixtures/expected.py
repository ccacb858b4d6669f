"""Expected-value helpers: the reference-truth JSON written next to every loadable
fixture (X.expected.json, or DIR/expected.json for a directory fixture)."""

import collections
import json
import math
from pathlib import Path

import numpy as np
import torch

from .dtypes import np_dtype_name, tensor_dtype_name
from .writers import write_text


def tensor_expected(t):
    t = t.detach().contiguous()
    flat = t.reshape(-1).tolist()
    if t.dtype == torch.bool:
        values = [bool(v) for v in flat]
    elif t.dtype.is_floating_point:
        values = [float(v) for v in flat]
        for v in values:
            if not math.isfinite(v):
                raise ValueError("non-finite value in fixture tensor")
    else:
        values = [int(v) for v in flat]
    return {"dtype": tensor_dtype_name(t), "shape": list(t.shape), "values": values}


def array_expected(a):
    shape = list(a.shape)  # before ascontiguousarray, which turns a 0-d array into shape (1,)
    a = np.ascontiguousarray(a)
    name = np_dtype_name(a.dtype)
    flat = a.reshape(-1).tolist()
    if name == "BOOL":
        values = [bool(v) for v in flat]
    elif name.startswith("F"):
        values = [float(v) for v in flat]
        for v in values:
            if not math.isfinite(v):
                raise ValueError("non-finite value in fixture array")
    else:
        values = [int(v) for v in flat]
    return {"dtype": name, "shape": shape, "values": values}


def tensor_descr(t):
    return "tensor %s[%s]" % (tensor_dtype_name(t), ", ".join(str(d) for d in t.shape))


def to_plain(obj):
    """Plain-JSON view of checkpoint metadata (see README for the rules)."""
    try:
        from omegaconf import DictConfig, ListConfig, OmegaConf
        if isinstance(obj, (DictConfig, ListConfig)):
            return to_plain(OmegaConf.to_container(obj, resolve=False))
    except ImportError:  # pragma: no cover
        pass
    if isinstance(obj, torch.Tensor):
        return tensor_descr(obj)
    if isinstance(obj, dict):
        return {str(k): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_plain(v) for v in obj]
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, float):
        if not math.isfinite(obj):
            raise ValueError("non-finite float in metadata")
        return obj
    raise TypeError("no plain-JSON form for %r" % type(obj))


def collect_tensors(obj, prefix, out):
    if isinstance(obj, torch.Tensor):
        out[prefix] = obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            collect_tensors(v, f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            collect_tensors(v, f"{prefix}.{i}" if prefix else str(i), out)
    return out


def torch_expected(obj, fmt):
    """Expected document for a torch pickle (zip or legacy)."""
    if isinstance(obj, dict) and isinstance(obj.get("state_dict"), dict):
        tensors = collections.OrderedDict(obj["state_dict"].items())
        metadata = to_plain({k: v for k, v in obj.items() if k != "state_dict"})
    else:
        tensors = collect_tensors(obj, "", collections.OrderedDict())
        if isinstance(obj, dict) and all(isinstance(v, torch.Tensor) for v in obj.values()):
            metadata = {}          # the object is itself a state dict
        else:
            metadata = to_plain(obj)
    return {"format": fmt,
            "tensors": {k: tensor_expected(v) for k, v in tensors.items()},
            "metadata": metadata}


def safetensors_expected(tensors, metadata=None):
    """Expected document for a safetensors file (metadata: only for HF directories)."""
    doc = {"format": "safetensors", "tensors": {k: tensor_expected(v) for k, v in tensors.items()}}
    if metadata is not None:
        doc["metadata"] = metadata
    return doc


def dumps_compact(doc):
    return json.dumps(doc, separators=(",", ":"), allow_nan=False, ensure_ascii=False) + "\n"


def expected_path(p):
    p = Path(p)
    return p / "expected.json" if p.is_dir() else p.with_name(p.name + ".expected.json")


def write_expected(fixture_path, doc):
    target = expected_path(fixture_path)
    write_text(target, dumps_compact(doc))
    return target
