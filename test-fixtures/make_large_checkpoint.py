#!/usr/bin/python3
"""Write a FULL-SIZE DenseAV-shaped checkpoint with random weights, for manual timing
of the Java loader.  Never commit the output (about 1.37 GB for the 2-head model).

    /usr/bin/python3 test-fixtures/make_large_checkpoint.py OUT_PATH [--format ckpt|safetensors]
        [--variant denseav_2head|denseav_language|denseav_sound] [--seed N] [--check]

  --format ckpt         (default) Lightning-style dict written as a torch zip checkpoint
                        (the torch.save zip layout: <archive>/data.pkl, <archive>/data/<n>,
                        <archive>/version), with epoch/global_step/hyper_parameters
                        (a pickled pytorch_lightning AttributeDict) around "state_dict".
  --format safetensors  the same state dict, flat, in safetensors layout.
  --check               afterwards, read the file back (torch.load for ckpt, header +
                        a few tensors for safetensors) and compare with the key/shape table.

Keys and shapes come from the table in denseav_fixtures/denseav.py (denseav_2head:
341,346,817 float32 parameters).  The file is streamed: the pickle only references
storages, and each tensor is generated (seeded per tensor) and written one at a time,
so memory use stays at one tensor (<= 34 MB), never the whole model.  Data records are
64-byte aligned like recent torch.save output.  Needs only python3-torch and numpy
(Debian packages); see generate_checkpoints.py.
"""

import argparse
import collections
import io
import json
import pickle
import struct
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import torch

sys.dont_write_bytecode = True  # keep test-fixtures/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))
from denseav_fixtures.denseav import denseav_hparams, full_denseav_shapes  # noqa: E402
# importing lightning also installs the fake pytorch_lightning module
from denseav_fixtures.lightning import AttributeDict  # noqa: E402
from denseav_fixtures.shapes import numel  # noqa: E402
from denseav_fixtures.writers import FIXED_ZIP_TIME, safetensors_header, safetensors_sort_key  # noqa: E402

ALIGN = 64


def tensor_for(index, name, shape, seed):
    """Deterministic random float32 tensor #index (independent of the others)."""
    g = torch.Generator().manual_seed(seed * 1_000_003 + index)
    t = torch.empty(shape, dtype=torch.float32)
    leaf = name.rsplit(".", 1)[-1]
    if "norm" in name and len(shape) == 1 and leaf == "weight":
        t.normal_(1.0, 0.02, generator=g)
    elif leaf == "weight_g":
        t.uniform_(0.5, 1.5, generator=g)
    else:
        t.normal_(0.0, 0.02, generator=g)
    return t


class _StorageRef:
    def __init__(self, key, numel):
        self.key, self.numel = key, numel


class _LazyTensor:
    """Pickles exactly like a contiguous float32 CPU tensor under torch.save."""

    def __init__(self, key, shape):
        self.key, self.shape = key, tuple(shape)

    def __reduce_ex__(self, protocol):
        stride, acc = [], 1
        for d in reversed(self.shape):
            stride.append(acc)
            acc *= d
        return (torch._utils._rebuild_tensor_v2,
                (_StorageRef(self.key, acc), 0, self.shape, tuple(reversed(stride)), False,
                 collections.OrderedDict()))


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, _StorageRef):
            return ("storage", torch.FloatStorage, obj.key, "cpu", obj.numel)
        return None


def _aligned_zipinfo(zf, name, size):
    zi = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
    zi.compress_type = zipfile.ZIP_STORED
    zi.file_size = size
    offset = zf.fp.tell()
    base = offset + 30 + len(name.encode("utf-8")) + 4   # local header + 'FB' extra header
    pad = (-base) % ALIGN
    zi.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
    return zi


def write_ckpt(out, shapes, hparams, seed):
    archive = Path(out).stem or "archive"
    names = list(shapes)
    state_dict = collections.OrderedDict(
        (name, _LazyTensor(str(i), shapes[name])) for i, name in enumerate(names))
    obj = {
        "epoch": 11,
        "global_step": 100000,
        "pytorch-lightning_version": "1.9.4",
        "state_dict": state_dict,
        "loops": {"fit_loop": {"state_dict": {}, "epoch_loop.state_dict": {"_batches_that_stepped": 100000}}},
        "callbacks": {},
        "optimizer_states": [],
        "lr_schedulers": [],
        "hparams_name": "kwargs",
        "hyper_parameters": AttributeDict(hparams),
    }
    buf = io.BytesIO()
    _Pickler(buf, protocol=2).dump(obj)
    pkl = buf.getvalue()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        zi = zipfile.ZipInfo(f"{archive}/data.pkl", date_time=FIXED_ZIP_TIME)
        zf.writestr(zi, pkl)
        for i, name in enumerate(names):
            t = tensor_for(i, name, shapes[name], seed)
            arr = t.numpy()
            zi = _aligned_zipinfo(zf, f"{archive}/data/{i}", arr.nbytes)
            with zf.open(zi, "w") as w:
                w.write(memoryview(arr).cast("B"))
            del t, arr
        zf.writestr(zipfile.ZipInfo(f"{archive}/version", date_time=FIXED_ZIP_TIME), b"3\n")


def write_safetensors(out, shapes, hparams, seed):
    index = {name: i for i, name in enumerate(shapes)}
    order = sorted(shapes, key=lambda name: safetensors_sort_key(name, "F32"))  # all F32: by name
    with open(out, "wb") as f:
        f.write(safetensors_header([(name, "F32", shapes[name], numel(shapes[name]) * 4) for name in order],
                                   {"format": "pt"}))
        for name in order:
            t = tensor_for(index[name], name, shapes[name], seed)
            f.write(memoryview(t.numpy()).cast("B"))
            del t


def check(out, fmt, shapes, seed):
    names = list(shapes)
    if fmt == "ckpt":
        ck = torch.load(out, map_location="cpu")
        sd = ck["state_dict"]
        assert list(sd) == names, "key order differs"
        for i, name in enumerate(names):
            assert list(sd[name].shape) == list(shapes[name]), name
        for i in (0, 1, len(names) // 2, len(names) - 1):
            assert torch.equal(sd[names[i]], tensor_for(i, names[i], shapes[names[i]], seed)), names[i]
        print("check: torch.load OK;", sum(v.numel() for v in sd.values()), "parameters;",
              "hyper_parameters =", dict(ck["hyper_parameters"]))
    else:
        with open(out, "rb") as f:
            (n,) = struct.unpack("<Q", f.read(8))
            header = json.loads(f.read(n))
            header.pop("__metadata__")
            assert set(header) == set(names)
            for i in (0, 1, len(names) // 2, len(names) - 1):
                info = header[names[i]]
                b, e = info["data_offsets"]
                f.seek(8 + n + b)
                got = torch.from_numpy(np.frombuffer(f.read(e - b), dtype="<f4").copy()).reshape(info["shape"])
                assert torch.equal(got, tensor_for(i, names[i], shapes[names[i]], seed)), names[i]
        print("check: safetensors header and sampled tensors OK")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--format", choices=("ckpt", "safetensors"), default="ckpt")
    ap.add_argument("--variant", choices=("denseav_2head", "denseav_language", "denseav_sound"),
                    default="denseav_2head")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)

    shapes = full_denseav_shapes(args.variant)
    total = sum(numel(s) for s in shapes.values())
    if args.variant != "denseav_sound":
        assert total == 341_346_817, total
    hparams = denseav_hparams(args.variant)
    t0 = time.time()
    if args.format == "ckpt":
        write_ckpt(args.out, shapes, hparams, args.seed)
    else:
        write_safetensors(args.out, shapes, hparams, args.seed)
    size = Path(args.out).stat().st_size
    print(f"wrote {args.out}: {args.variant}, {len(shapes)} tensors, {total:,d} parameters, "
          f"{size:,d} bytes in {time.time() - t0:.1f}s")
    if args.check:
        check(args.out, args.format, shapes, args.seed)


if __name__ == "__main__":
    main()
