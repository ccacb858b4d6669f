"""Verification after writing: every good fixture is loaded back (torch.load, numpy,
an independent safetensors reader) and compared with its expected JSON; the bad
fixtures are checked with pickletools and an unpickler that never runs a payload."""

import collections
import json
import zipfile
from pathlib import Path

import numpy as np
import torch

from .expected import array_expected, dumps_compact, expected_path, safetensors_expected, torch_expected
from .output import GOOD, OUT
from .pickle_inspect import inspect_torch_file, pickle_globals, torch_pickle_bytes
from .writers import read_safetensors


def load_actual(p, fmt):
    p = Path(p)
    if fmt in ("torch-zip", "torch-legacy"):
        assert zipfile.is_zipfile(p) == (fmt == "torch-zip"), p
        obj = torch.load(str(p), map_location="cpu")
        return torch_expected(obj, fmt)
    if fmt == "safetensors":
        st = p / "model.safetensors" if p.is_dir() else p
        tensors, meta = read_safetensors(st)
        assert meta == {"format": "pt"}, meta
        if p.is_dir():
            return safetensors_expected(tensors, {"config.json": json.loads((p / "config.json").read_text())})
        return safetensors_expected(tensors)
    if fmt == "npy":
        a = np.load(p)
        return {"format": "npy", "tensors": {p.stem: array_expected(a)}}
    if fmt == "npz":
        with np.load(p) as z:
            return {"format": "npz", "tensors": {k: array_expected(z[k]) for k in z.files}}
    raise ValueError(fmt)


def verify_good():
    for p, fmt in GOOD:
        want = json.loads(expected_path(p).read_text())
        got = json.loads(dumps_compact(load_actual(p, fmt)))
        # tensor order is irrelevant (safetensors stores them sorted); compare as maps
        assert want["format"] == got["format"] == fmt, p
        assert want["tensors"] == got["tensors"], f"tensor mismatch in {p}"
        assert want.get("metadata") == got.get("metadata"), f"metadata mismatch in {p}"
        assert want["tensors"], p


def verify_bad(expect_globals):
    bad = OUT / "bad"
    for name, glob in expect_globals.items():
        if not name.startswith("evil_"):
            continue
        obj, calls = inspect_torch_file(bad / name)
        assert [c[0] for c in calls] == [glob.replace(" ", ".")], (name, calls)
        assert list(obj["state_dict"]) and obj["hyper_parameters"]["callback"].startswith("<refused")
    for name, glob in expect_globals.items():
        found = pickle_globals(torch_pickle_bytes(bad / name))
        names = {g for _, g in found}
        assert glob in names, (name, glob, found)
        if name == "evil_stack_global.pt":
            assert ("STACK_GLOBAL", glob) in found, found
        if name == "evil_inst.pt":
            assert ("INST", glob) in found, found
    # the evil files must still be valid containers
    for name in expect_globals:
        if name != "evil_legacy.pt":
            assert zipfile.is_zipfile(bad / name), name
    assert not zipfile.is_zipfile(bad / "truncated.pt")


def good_torch_globals():
    result = collections.OrderedDict()
    for p, fmt in GOOD:
        if fmt.startswith("torch"):
            for op, g in pickle_globals(torch_pickle_bytes(p)):
                result.setdefault(g, set()).add(Path(p).name)
    return result
