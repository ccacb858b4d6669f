"""Writers: safetensors (plus a small independent reader), legacy torch save with
deterministic storage keys, torch zip save and entry-by-entry zip rewriting."""

import collections
import hashlib
import json
import pickle
import struct
import sys
import zipfile
from pathlib import Path

import numpy as np
import torch

from .dtypes import ST_DTYPE_ORDER, tensor_dtype_name

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def write_text(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


# ---------------------------------------------------------------------------
# safetensors
# ---------------------------------------------------------------------------

def tree_summary(root):
    """(bytes, files, first 16 hex digits of a sha256 over every file's relative path and bytes) of a fixture
    folder: what the generators print so that a rerun can be seen to write the same tree."""
    total, files, digest = 0, 0, hashlib.sha256()
    for p in sorted(Path(root).rglob("*")):
        if p.is_file():
            total, files = total + p.stat().st_size, files + 1
            digest.update(str(p.relative_to(root)).encode() + p.read_bytes())
    return total, files, digest.hexdigest()[:16]


def tensor_bytes(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def safetensors_sort_key(name, dtype_name):
    """File order of the Rust `serialize`: dtype alignment descending, then name."""
    return (-ST_DTYPE_ORDER.index(dtype_name), name)


def pack_safetensors_header(header):
    """u64 little-endian length + compact JSON header padded with spaces to a multiple of 8."""
    hb = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    hb += b" " * ((8 - len(hb) % 8) % 8)
    return struct.pack("<Q", len(hb)) + hb


def safetensors_header(entries, metadata=None):
    """Packed header for entries [(name, dtype_name, shape, nbytes)] already in file
    order; data offsets are assigned back to back."""
    header = collections.OrderedDict()
    if metadata is not None:
        header["__metadata__"] = dict(metadata)
    offset = 0
    for name, dtype_name, shape, nbytes in entries:
        header[name] = {"dtype": dtype_name, "shape": list(shape),
                        "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    return pack_safetensors_header(header)


def safetensors_bytes(tensors, metadata=None):
    """Serialise exactly like safetensors' Rust `serialize` (sorted by dtype alignment
    descending, then name; compact JSON; header padded with spaces to a multiple of 8)."""
    items = [(k, v.detach().contiguous()) for k, v in tensors.items()]
    items.sort(key=lambda kv: safetensors_sort_key(kv[0], tensor_dtype_name(kv[1])))
    blobs = [tensor_bytes(t) for _, t in items]
    entries = [(name, tensor_dtype_name(t), t.shape, len(b)) for (name, t), b in zip(items, blobs)]
    return safetensors_header(entries, metadata) + b"".join(blobs)


def write_safetensors(path, tensors, metadata=None):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(safetensors_bytes(tensors, metadata))


def read_safetensors(path):
    """Small independent reader used for verification."""
    data = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", None)
    base = 8 + n
    np_types = {"F32": "<f4", "F16": "<f2", "F64": "<f8", "I64": "<i8", "I32": "<i4",
                "I16": "<i2", "I8": "i1", "U8": "u1", "BOOL": "?", "BF16": "<i2"}
    out = collections.OrderedDict()
    for name, info in header.items():
        b, e = info["data_offsets"]
        raw = np.frombuffer(data[base + b:base + e], dtype=np_types[info["dtype"]])
        if info["dtype"] == "BF16":
            t = torch.from_numpy(raw.copy()).view(torch.bfloat16)
        else:
            t = torch.from_numpy(raw.copy())
        out[name] = t.reshape(info["shape"])
    return out, meta


# ---------------------------------------------------------------------------
# torch: legacy format, zip format, zip rewriting
# ---------------------------------------------------------------------------

LEGACY_KEY_BASE = 94_000_000_000_000  # looks like the pointer values real files carry


def legacy_save(obj, path, pickler_cls=pickle.Pickler, protocol=2):
    """torch 1.13 `_legacy_save` (_use_new_zipfile_serialization=False), re-implemented
    only so that storage keys are deterministic (torch uses str(storage._cdata), a
    memory address, which would make the file differ on every run).  The byte layout
    is the one torch writes: 5 pickles (magic, protocol, sys_info, object, storage
    key list) followed by, for each storage in key order, a u64 element count and the
    raw little-endian bytes."""
    storages = {}
    keys_by_cdata = {}

    def persistent_id(o):
        if isinstance(o, torch.storage.TypedStorage):
            untyped = o._storage
            key = keys_by_cdata.get(untyped._cdata)
            if key is None:
                key = str(LEGACY_KEY_BASE + 4096 * len(keys_by_cdata))
                keys_by_cdata[untyped._cdata] = key
                storages[key] = (untyped, o.dtype)
            return ("storage", getattr(torch, o.pickle_storage_type()), key, "cpu", o.size(), None)
        return None

    ser = torch.serialization
    sys_info = dict(protocol_version=ser.PROTOCOL_VERSION, little_endian=sys.byteorder == "little",
                    type_sizes=dict(short=ser.SHORT_SIZE, int=ser.INT_SIZE, long=ser.LONG_SIZE))
    with open(path, "wb") as f:
        pickle.dump(ser.MAGIC_NUMBER, f, protocol=protocol)
        pickle.dump(ser.PROTOCOL_VERSION, f, protocol=protocol)
        pickle.dump(sys_info, f, protocol=protocol)
        p = pickler_cls(f, protocol=protocol)
        p.persistent_id = persistent_id
        p.dump(obj)
        keys = sorted(storages.keys())
        pickle.dump(keys, f, protocol=protocol)
        f.flush()
        for key in keys:
            untyped, dtype = storages[key]
            untyped._write_file(f, True, True, torch._utils._element_size(dtype))


def rewrite_zip(src, dst, replace=None):
    """Copy a torch zip checkpoint entry by entry (stored, fixed timestamps), replacing
    the content of selected entries: replace = {suffix: fn(bytes) -> bytes}."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            for suffix, fn in replace.items():
                if info.filename.endswith(suffix):
                    data = fn(data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_STORED
            zout.writestr(zi, data)


def torch_save_zip(obj, path, **kw):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(obj, str(path), **kw)
