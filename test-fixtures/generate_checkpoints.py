#!/usr/bin/python3
"""Generate the checkpoint-loading fixtures used by the Java tests.

Run from the repository root (takes well under a minute):

    /usr/bin/python3 test-fixtures/generate_checkpoints.py

Use the Debian system interpreter (/usr/bin/python3), not a pyenv/venv python.
It needs these Debian packages (no PyPI access is required):

    apt-get install -y python3-torch python3-numpy python3-torchaudio python3-omegaconf

(developed against Debian bookworm: torch 1.13, numpy 1.24, torchaudio 0.13.1,
omegaconf 2.2).  There is deliberately no dependency on the `safetensors`,
`transformers`, `timm`, `peft` or `pytorch_lightning` packages: safetensors files
are written byte-for-byte the way the Rust `safetensors` crate writes them, and the
HF / DINO / LoRA / Lightning layouts are rebuilt here with plain torch modules.

Everything is written below
    test-fixtures/src/main/resources/fixtures/checkpoints/
and the script is deterministic: re-running it rewrites identical bytes.

Next to every loadable fixture X it writes X.expected.json (for a directory fixture
DIR, DIR/expected.json) with the reference truth:

    {"format": "torch-zip" | "torch-legacy" | "safetensors" | "npy" | "npz",
     "tensors": {name: {"dtype": "F32"|..., "shape": [...], "values": [flat, row-major]}},
     "metadata": {...}}          # torch checkpoints and HF config.json only

After writing, every good fixture is loaded back with torch.load / numpy / a
safetensors reader and compared with its expected.json, the bad fixtures are
checked with pickletools, and the pickle GLOBALs used by the good torch fixtures
are printed (the Java unpickler allowlist is built from that list).

The full-size timing checkpoint is NOT produced here; see make_large_checkpoint.py.
"""

import collections
import io
import json
import math
import os
import pickle
import pickletools
import shutil
import struct
import sys
import types
import zipfile
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
OUT = HERE / "src" / "main" / "resources" / "fixtures" / "checkpoints"

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# ---------------------------------------------------------------------------
# dtype names
# ---------------------------------------------------------------------------

TORCH_DTYPE_NAMES = {
    torch.float32: "F32",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.float64: "F64",
    torch.int64: "I64",
    torch.int32: "I32",
    torch.int16: "I16",
    torch.int8: "I8",
    torch.uint8: "U8",
    torch.bool: "BOOL",
}

NUMPY_DTYPE_NAMES = {
    "f4": "F32", "f2": "F16", "f8": "F64", "i8": "I64", "i4": "I32",
    "i2": "I16", "i1": "I8", "u1": "U8", "b1": "BOOL",
}

# safetensors Dtype enum order (increasing alignment) from safetensors/src/tensor.rs
ST_DTYPE_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16",
                  "I32", "U32", "F32", "F64", "I64", "U64"]


def np_dtype_name(dt):
    return NUMPY_DTYPE_NAMES[dt.kind + str(dt.itemsize) if dt.kind != "b" else "b1"]


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
# Expected-value helpers
# ---------------------------------------------------------------------------

def tensor_dtype_name(t):
    return TORCH_DTYPE_NAMES[t.dtype]


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


def dumps_compact(doc):
    return json.dumps(doc, separators=(",", ":"), allow_nan=False, ensure_ascii=False) + "\n"


def write_text(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_expected(fixture_path, doc):
    fixture_path = Path(fixture_path)
    if fixture_path.is_dir():
        target = fixture_path / "expected.json"
    else:
        target = fixture_path.with_name(fixture_path.name + ".expected.json")
    write_text(target, dumps_compact(doc))
    return target


# ---------------------------------------------------------------------------
# Random values
# ---------------------------------------------------------------------------

def q(rs, shape, std, grid=64):
    """Random values quantised to multiples of 1/grid (short, exact JSON numbers)."""
    return np.round(rs.standard_normal(shape) * std * grid) / grid


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


# ---------------------------------------------------------------------------
# Writers: safetensors, legacy torch, custom zip rewriting
# ---------------------------------------------------------------------------

def tensor_bytes(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def safetensors_bytes(tensors, metadata=None):
    """Serialise exactly like safetensors' Rust `serialize` (sorted by dtype alignment
    descending, then name; compact JSON; header padded with spaces to a multiple of 8)."""
    items = [(k, v.detach().contiguous()) for k, v in tensors.items()]
    items.sort(key=lambda kv: (-ST_DTYPE_ORDER.index(tensor_dtype_name(kv[1])), kv[0]))
    header = collections.OrderedDict()
    if metadata is not None:
        header["__metadata__"] = dict(metadata)
    offset = 0
    blobs = []
    for name, t in items:
        b = tensor_bytes(t)
        header[name] = {"dtype": tensor_dtype_name(t), "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    hb = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    hb += b" " * ((8 - len(hb) % 8) % 8)
    return struct.pack("<Q", len(hb)) + hb + b"".join(blobs)


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


# ---------------------------------------------------------------------------
# Pickle inspection
# ---------------------------------------------------------------------------

def pickle_globals(data):
    """Yield (opcode, 'module name') for GLOBAL, INST and STACK_GLOBAL in one or more
    concatenated pickles at the start of `data` (stops at the first non-pickle byte
    after a STOP, e.g. the raw storage section of a legacy file)."""
    found = []
    f = io.BytesIO(data)
    while f.tell() < len(data):
        start = f.tell()
        if data[start:start + 1] != b"\x80":
            break
        stack, memo = [], {}
        try:
            for op, arg, pos in pickletools.genops(f):
                name = op.name
                if name in ("GLOBAL", "INST"):
                    found.append((name, arg))
                    stack.append(None)
                elif name == "STACK_GLOBAL":
                    mod, nm = (stack[-2], stack[-1]) if len(stack) >= 2 else (None, None)
                    found.append((name, f"{mod} {nm}"))
                    stack.append(None)
                elif name in ("SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE",
                              "SHORT_BINSTRING", "BINSTRING", "STRING"):
                    stack.append(arg)
                elif name == "MEMOIZE":
                    memo[len(memo)] = stack[-1] if stack else None
                elif name in ("BINPUT", "LONG_BINPUT", "PUT"):
                    memo[arg] = stack[-1] if stack else None
                elif name in ("BINGET", "LONG_BINGET", "GET"):
                    stack.append(memo.get(arg))
                elif name in ("FRAME", "PROTO", "STOP", "MARK"):
                    pass
                else:
                    stack.append(None)
        except Exception:
            break
        if f.tell() == start:
            break
    return found


def torch_pickle_bytes(path):
    """data.pkl of a zip checkpoint, or the whole file of a legacy one."""
    path = Path(path)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if n.endswith("/data.pkl") or n == "data.pkl"]
            return z.read(names[0])
    return path.read_bytes()


# ---------------------------------------------------------------------------
# Tiny models in the official key layouts (real torch modules)
# ---------------------------------------------------------------------------

# --- facebookresearch/dino vision_transformer.py layout -----------------------

class DinoPatchEmbed(nn.Module):
    def __init__(self, patch, dim):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, kernel_size=patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class LoraLinear(nn.Linear):
    """peft (<=0.6) lora.Linear: the base Linear keeps `weight`/`bias`, plus
    lora_A.default.weight [r, in] and lora_B.default.weight [out, r]."""

    def __init__(self, in_f, out_f, r, alpha=None):
        super().__init__(in_f, out_f)
        self.lora_dropout = nn.ModuleDict({"default": nn.Identity()})
        self.lora_A = nn.ModuleDict({"default": nn.Linear(in_f, r, bias=False)})
        self.lora_B = nn.ModuleDict({"default": nn.Linear(r, out_f, bias=False)})
        self.scaling = (alpha if alpha is not None else r) / r

    def forward(self, x):
        return (super().forward(x)
                + self.lora_B["default"](self.lora_A["default"](self.lora_dropout["default"](x)))
                * self.scaling)


class DinoAttention(nn.Module):
    def __init__(self, dim, heads, lora_rank=None):
        super().__init__()
        self.num_heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = LoraLinear(dim, dim * 3, lora_rank) if lora_rank else nn.Linear(dim, dim * 3)
        self.attn_drop = nn.Dropout(0.0)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(0.0)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj(x)


class DinoMlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class DinoBlock(nn.Module):
    def __init__(self, dim, heads, mlp_ratio=4, lora_rank=None):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = DinoAttention(dim, heads, lora_rank)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = DinoMlp(dim, dim * mlp_ratio)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class DinoViT(nn.Module):
    """dino VisionTransformer(num_classes=0): keys cls_token, pos_embed, patch_embed.*,
    blocks.N.*, norm.* (forward written after dino's code; not cross-checked)."""

    def __init__(self, dim, depth, heads, patch, img, lora_rank=None):
        super().__init__()
        self.patch_size = patch
        self.patch_embed = DinoPatchEmbed(patch, dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, (img // patch) ** 2 + 1, dim))
        self.blocks = nn.ModuleList([DinoBlock(dim, heads, 4, lora_rank) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)

    def interpolate_pos_encoding(self, x, w, h):
        npatch = x.shape[1] - 1
        N = self.pos_embed.shape[1] - 1
        if npatch == N and w == h:
            return self.pos_embed
        class_pos = self.pos_embed[:, 0]
        patch_pos = self.pos_embed[:, 1:]
        dim = x.shape[-1]
        w0 = w // self.patch_size + 0.1
        h0 = h // self.patch_size + 0.1
        s = int(math.sqrt(N))
        patch_pos = F.interpolate(patch_pos.reshape(1, s, s, dim).permute(0, 3, 1, 2),
                                  scale_factor=(w0 / s, h0 / s), mode="bicubic")
        patch_pos = patch_pos.permute(0, 2, 3, 1).view(1, -1, dim)
        return torch.cat((class_pos.unsqueeze(0), patch_pos), dim=1)

    def forward(self, x):
        B, _, w, h = x.shape
        x = self.patch_embed(x)
        x = torch.cat((self.cls_token.expand(B, -1, -1), x), dim=1)
        x = x + self.interpolate_pos_encoding(x, w, h)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)


# --- HuggingFace transformers HubertModel layout -------------------------------

class HFConvLayer(nn.Module):
    def __init__(self, cin, cout, k, stride, bias, norm):
        super().__init__()
        self.conv = nn.Conv1d(cin, cout, k, stride=stride, bias=bias)
        self.norm_kind = norm
        if norm == "layer":
            self.layer_norm = nn.LayerNorm(cout, elementwise_affine=True)
        elif norm == "group":
            self.layer_norm = nn.GroupNorm(cout, cout, affine=True)

    def forward(self, x):
        x = self.conv(x)
        if self.norm_kind == "layer":
            x = self.layer_norm(x.transpose(-2, -1)).transpose(-2, -1)
        elif self.norm_kind == "group":
            x = self.layer_norm(x)
        return F.gelu(x)


class HFFeatureEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        layers = []
        cin = 1
        for i, (c, k, s) in enumerate(zip(cfg["conv_dim"], cfg["conv_kernel"], cfg["conv_stride"])):
            if cfg["feat_extract_norm"] == "layer":
                norm = "layer"
            else:
                norm = "group" if i == 0 else None
            layers.append(HFConvLayer(cin, c, k, s, cfg["conv_bias"], norm))
            cin = c
        self.conv_layers = nn.ModuleList(layers)

    def forward(self, x):
        x = x[:, None]
        for layer in self.conv_layers:
            x = layer(x)
        return x


class HFFeatureProjection(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer_norm = nn.LayerNorm(cfg["conv_dim"][-1], eps=cfg["layer_norm_eps"])
        self.projection = nn.Linear(cfg["conv_dim"][-1], cfg["hidden_size"])

    def forward(self, x):
        return self.projection(self.layer_norm(x))


class HFPosConv(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        C, K = cfg["hidden_size"], cfg["num_conv_pos_embeddings"]
        conv = nn.Conv1d(C, C, K, padding=K // 2, groups=cfg["num_conv_pos_embedding_groups"])
        self.conv = nn.utils.weight_norm(conv, name="weight", dim=2)
        self.num_pad_remove = 1 if K % 2 == 0 else 0

    def forward(self, x):  # x: [B, C, T]
        x = self.conv(x)
        if self.num_pad_remove:
            x = x[:, :, :-self.num_pad_remove]
        return F.gelu(x)


class HFAttention(nn.Module):
    def __init__(self, C, heads):
        super().__init__()
        self.heads = heads
        self.k_proj = nn.Linear(C, C)
        self.v_proj = nn.Linear(C, C)
        self.q_proj = nn.Linear(C, C)
        self.out_proj = nn.Linear(C, C)

    def forward(self, x):
        B, T, C = x.shape
        hd = C // self.heads
        q = (self.q_proj(x) * hd ** -0.5).view(B, T, self.heads, hd).transpose(1, 2)
        k = self.k_proj(x).view(B, T, self.heads, hd).transpose(1, 2)
        v = self.v_proj(x).view(B, T, self.heads, hd).transpose(1, 2)
        a = (q @ k.transpose(-2, -1)).softmax(-1)
        return self.out_proj((a @ v).transpose(1, 2).reshape(B, T, C))


class HFFeedForward(nn.Module):
    def __init__(self, C, ff):
        super().__init__()
        self.intermediate_dense = nn.Linear(C, ff)
        self.output_dense = nn.Linear(ff, C)

    def forward(self, x):
        return self.output_dense(F.gelu(self.intermediate_dense(x)))


class HFEncoderLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        C = cfg["hidden_size"]
        self.stable = cfg["do_stable_layer_norm"]
        self.attention = HFAttention(C, cfg["num_attention_heads"])
        self.layer_norm = nn.LayerNorm(C, eps=cfg["layer_norm_eps"])
        self.feed_forward = HFFeedForward(C, cfg["intermediate_size"])
        self.final_layer_norm = nn.LayerNorm(C, eps=cfg["layer_norm_eps"])

    def forward(self, x):
        if self.stable:  # HubertEncoderLayerStableLayerNorm (pre-LN)
            x = x + self.attention(self.layer_norm(x))
            return x + self.feed_forward(self.final_layer_norm(x))
        x = self.layer_norm(x + self.attention(x))  # HubertEncoderLayer (post-LN)
        return self.final_layer_norm(x + self.feed_forward(x))


class HFEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.stable = cfg["do_stable_layer_norm"]
        self.pos_conv_embed = HFPosConv(cfg)
        self.layer_norm = nn.LayerNorm(cfg["hidden_size"], eps=cfg["layer_norm_eps"])
        self.layers = nn.ModuleList([HFEncoderLayer(cfg) for _ in range(cfg["num_hidden_layers"])])

    def forward(self, x):
        x = x + self.pos_conv_embed(x.transpose(1, 2)).transpose(1, 2)
        if not self.stable:
            x = self.layer_norm(x)
        for layer in self.layers:
            x = layer(x)
        if self.stable:
            x = self.layer_norm(x)
        return x


class HFHubertModel(nn.Module):
    """transformers HubertModel key layout (masked_spec_embed, feature_extractor.*,
    feature_projection.*, encoder.*); eval-mode forward -> last_hidden_state."""

    def __init__(self, cfg):
        super().__init__()
        self.feature_extractor = HFFeatureEncoder(cfg)
        self.feature_projection = HFFeatureProjection(cfg)
        self.masked_spec_embed = nn.Parameter(torch.zeros(cfg["hidden_size"]))
        self.encoder = HFEncoder(cfg)

    def forward(self, wav):
        x = self.feature_extractor(wav).transpose(1, 2)
        return self.encoder(self.feature_projection(x))


class HFHubertForCTC(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.hubert = HFHubertModel(cfg)
        self.lm_head = nn.Linear(cfg["hidden_size"], cfg["vocab_size"])

    def forward(self, wav):
        return self.lm_head(self.hubert(wav))


def hf_hubert_config(style, hidden, layers, heads, ff, conv_dim, pos_k, pos_g, vocab=32, ctc=False):
    large = style == "large"
    return {
        "architectures": ["HubertForCTC" if ctc else "HubertModel"],
        "model_type": "hubert",
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": ff,
        "hidden_act": "gelu",
        "hidden_dropout": 0.0,
        "activation_dropout": 0.0,
        "attention_dropout": 0.0,
        "feat_proj_dropout": 0.0,
        "feat_proj_layer_norm": True,
        "final_dropout": 0.0,
        "layerdrop": 0.0,
        "layer_norm_eps": 1e-05,
        "feat_extract_norm": "layer" if large else "group",
        "feat_extract_activation": "gelu",
        "conv_dim": list(conv_dim),
        "conv_stride": [5, 2, 2, 2, 2, 2, 2],
        "conv_kernel": [10, 3, 3, 3, 3, 2, 2],
        "conv_bias": large,
        "num_conv_pos_embeddings": pos_k,
        "num_conv_pos_embedding_groups": pos_g,
        "do_stable_layer_norm": large,
        "apply_spec_augment": True,
        "mask_time_prob": 0.05,
        "mask_time_length": 10,
        "mask_feature_prob": 0.0,
        "mask_feature_length": 10,
        "vocab_size": vocab,
        "pad_token_id": 0,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "ctc_loss_reduction": "sum",
        "torch_dtype": "float32",
        "transformers_version": "4.26.1",
    }


# --- DenseAV (LitAVAligner) layout --------------------------------------------

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
# Shape tables (full-size families; the tiny modules are checked against them)
# ---------------------------------------------------------------------------

def dino_shapes(D, depth, patch, img, prefix="", lora_rank=None):
    s = collections.OrderedDict()
    s[prefix + "cls_token"] = [1, 1, D]
    s[prefix + "pos_embed"] = [1, (img // patch) ** 2 + 1, D]
    s[prefix + "patch_embed.proj.weight"] = [D, 3, patch, patch]
    s[prefix + "patch_embed.proj.bias"] = [D]
    for i in range(depth):
        b = f"{prefix}blocks.{i}."
        s[b + "norm1.weight"] = [D]
        s[b + "norm1.bias"] = [D]
        s[b + "attn.qkv.weight"] = [3 * D, D]
        s[b + "attn.qkv.bias"] = [3 * D]
        if lora_rank:
            s[b + "attn.qkv.lora_A.default.weight"] = [lora_rank, D]
            s[b + "attn.qkv.lora_B.default.weight"] = [3 * D, lora_rank]
        s[b + "attn.proj.weight"] = [D, D]
        s[b + "attn.proj.bias"] = [D]
        s[b + "norm2.weight"] = [D]
        s[b + "norm2.bias"] = [D]
        s[b + "mlp.fc1.weight"] = [4 * D, D]
        s[b + "mlp.fc1.bias"] = [4 * D]
        s[b + "mlp.fc2.weight"] = [D, 4 * D]
        s[b + "mlp.fc2.bias"] = [D]
    s[prefix + "norm.weight"] = [D]
    s[prefix + "norm.bias"] = [D]
    return s


def vit_block_shapes(prefix, D):
    s = collections.OrderedDict()
    s[prefix + "norm1.weight"] = [D]
    s[prefix + "norm1.bias"] = [D]
    s[prefix + "attn.qkv.weight"] = [3 * D, D]
    s[prefix + "attn.qkv.bias"] = [3 * D]
    s[prefix + "attn.proj.weight"] = [D, D]
    s[prefix + "attn.proj.bias"] = [D]
    s[prefix + "norm2.weight"] = [D]
    s[prefix + "norm2.bias"] = [D]
    s[prefix + "mlp.fc1.weight"] = [4 * D, D]
    s[prefix + "mlp.fc1.bias"] = [4 * D]
    s[prefix + "mlp.fc2.weight"] = [D, 4 * D]
    s[prefix + "mlp.fc2.bias"] = [D]
    return s


def hf_hubert_shapes(cfg, prefix="", lm_head=False):
    s = collections.OrderedDict()
    C = cfg["hidden_size"]
    s[prefix + "masked_spec_embed"] = [C]
    cin = 1
    layer_norm = cfg["feat_extract_norm"] == "layer"
    for i, (c, k) in enumerate(zip(cfg["conv_dim"], cfg["conv_kernel"])):
        b = f"{prefix}feature_extractor.conv_layers.{i}."
        s[b + "conv.weight"] = [c, cin, k]
        if cfg["conv_bias"]:
            s[b + "conv.bias"] = [c]
        if layer_norm or i == 0:
            s[b + "layer_norm.weight"] = [c]
            s[b + "layer_norm.bias"] = [c]
        cin = c
    s[prefix + "feature_projection.layer_norm.weight"] = [cin]
    s[prefix + "feature_projection.layer_norm.bias"] = [cin]
    s[prefix + "feature_projection.projection.weight"] = [C, cin]
    s[prefix + "feature_projection.projection.bias"] = [C]
    K, G = cfg["num_conv_pos_embeddings"], cfg["num_conv_pos_embedding_groups"]
    s[prefix + "encoder.pos_conv_embed.conv.bias"] = [C]
    s[prefix + "encoder.pos_conv_embed.conv.weight_g"] = [1, 1, K]
    s[prefix + "encoder.pos_conv_embed.conv.weight_v"] = [C, C // G, K]
    s[prefix + "encoder.layer_norm.weight"] = [C]
    s[prefix + "encoder.layer_norm.bias"] = [C]
    ff = cfg["intermediate_size"]
    for i in range(cfg["num_hidden_layers"]):
        b = f"{prefix}encoder.layers.{i}."
        for p in ("k_proj", "v_proj", "q_proj", "out_proj"):
            s[b + f"attention.{p}.weight"] = [C, C]
            s[b + f"attention.{p}.bias"] = [C]
        s[b + "layer_norm.weight"] = [C]
        s[b + "layer_norm.bias"] = [C]
        s[b + "feed_forward.intermediate_dense.weight"] = [ff, C]
        s[b + "feed_forward.intermediate_dense.bias"] = [ff]
        s[b + "feed_forward.output_dense.weight"] = [C, ff]
        s[b + "feed_forward.output_dense.bias"] = [C]
        s[b + "final_layer_norm.weight"] = [C]
        s[b + "final_layer_norm.bias"] = [C]
    if lm_head:
        s["lm_head.weight"] = [cfg["vocab_size"], C]
        s["lm_head.bias"] = [cfg["vocab_size"]]
    return s


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


HUBERT_LARGE_CFG = hf_hubert_config("large", 1024, 24, 16, 4096, [512] * 7, 128, 16, vocab=32)
HUBERT_BASE_CFG = hf_hubert_config("base", 768, 12, 12, 3072, [512] * 7, 128, 16, vocab=32)


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


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


# ---------------------------------------------------------------------------
# Fixture builders
# ---------------------------------------------------------------------------

GOOD = []   # (path, format) of every loadable fixture, for verification


def rs_f32(rs, shape):
    return torch.from_numpy(rs.standard_normal(shape).astype(np.float32))


def make_dtype_tensors(rs):
    """One tensor per dtype with edge values (full-precision random floats)."""
    f32 = rs.standard_normal((2, 3)).astype(np.float32)
    f32.flat[0] = -0.0
    f32.flat[1] = np.float32(1e-45)          # smallest subnormal
    f32.flat[2] = np.float32(3.4028235e38)   # max finite
    f16 = (rs.standard_normal((2, 3)) * 10).astype(np.float16)
    f16.flat[0] = np.float16(65504.0)
    f16.flat[1] = np.float16(6e-08)           # subnormal
    bf16 = (torch.from_numpy(rs.standard_normal((2, 3)).astype(np.float32)) * 100).to(torch.bfloat16)
    bf16.view(-1)[0] = 3.0e38
    f64 = rs.standard_normal((3, 2))
    f64.flat[0] = 1e-300
    f64.flat[1] = -1.7976931348623157e308
    i64 = rs.randint(-2 ** 40, 2 ** 40, size=(5,), dtype=np.int64)
    i64[0], i64[1] = np.iinfo(np.int64).min, np.iinfo(np.int64).max
    i32 = rs.randint(-2 ** 31, 2 ** 31 - 1, size=(2, 2), dtype=np.int64).astype(np.int32)
    i32[0, 0], i32[0, 1] = np.iinfo(np.int32).min, np.iinfo(np.int32).max
    i16 = rs.randint(-2 ** 15, 2 ** 15, size=(4,)).astype(np.int16)
    i16[0], i16[1] = -32768, 32767
    i8 = rs.randint(-128, 128, size=(2, 3)).astype(np.int8)
    i8.flat[0], i8.flat[1] = -128, 127
    u8 = rs.randint(0, 256, size=(3, 2)).astype(np.uint8)
    u8.flat[0], u8.flat[1] = 0, 255
    b = rs.rand(2, 3) > 0.5
    b.flat[0], b.flat[1] = True, False
    return collections.OrderedDict([
        ("float32", torch.from_numpy(f32)),
        ("float16", torch.from_numpy(f16)),
        ("bfloat16", bf16),
        ("float64", torch.from_numpy(f64)),
        ("int64", torch.from_numpy(i64)),
        ("int32", torch.from_numpy(i32)),
        ("int16", torch.from_numpy(i16)),
        ("int8", torch.from_numpy(i8)),
        ("uint8", torch.from_numpy(u8)),
        ("bool", torch.from_numpy(b)),
        ("scalar", torch.tensor(rs.standard_normal(), dtype=torch.float32)),
        ("empty", torch.zeros(0, 3)),
        ("four_d", rs_f32(rs, (2, 3, 2, 2))),
    ])


def build_torch_basic():
    rs = np.random.RandomState(1)
    # A. dtypes.pt
    dt = make_dtype_tensors(rs)
    p = OUT / "dtypes.pt"
    torch_save_zip(dt, p)
    write_expected(p, torch_expected(dt, "torch-zip"))
    GOOD.append((p, "torch-zip"))

    # A. views.pt
    w = rs_f32(rs, (3, 4))
    b = rs_f32(rs, (4, 6))
    base = rs_f32(rs, (5, 4))
    n = rs_f32(rs, (6, 3))
    e = rs_f32(rs, (1, 3))
    pmt = rs_f32(rs, (2, 3, 4))
    tied = rs_f32(rs, (2, 2))
    views = collections.OrderedDict([
        ("transposed", w.t()),
        ("step_slice", b[1:, ::2]),
        ("narrowed", n.narrow(0, 2, 3)),
        ("expanded", e.expand(4, 3)),
        ("permuted", pmt.permute(2, 0, 1)),
        ("base_view_a", base[1:3]),
        ("base_view_b", base[:, 2]),
        ("tied_a", tied),
        ("tied_b", tied),
    ])
    assert not views["transposed"].is_contiguous() and views["step_slice"].storage_offset() > 0
    assert views["expanded"].stride()[0] == 0
    p = OUT / "views.pt"
    torch_save_zip(views, p)
    write_expected(p, torch_expected(views, "torch-zip"))
    GOOD.append((p, "torch-zip"))

    # A. legacy.pt
    lbase = rs_f32(rs, (4, 5))
    leg = collections.OrderedDict([
        ("f32", rs_f32(rs, (2, 3))),
        ("f64", torch.from_numpy(rs.standard_normal((3,)))),
        ("f16", rs_f32(rs, (2, 2)).half()),
        ("bf16", rs_f32(rs, (3,)).bfloat16()),
        ("i64", torch.from_numpy(rs.randint(-1000, 1000, size=(4,)).astype(np.int64))),
        ("i32", torch.from_numpy(rs.randint(-1000, 1000, size=(2, 2)).astype(np.int32))),
        ("u8", torch.from_numpy(rs.randint(0, 256, size=(3,)).astype(np.uint8))),
        ("bool", torch.tensor([True, False, True])),
        ("view_offset", lbase[1:, 2:]),
        ("shared_row", lbase[3]),
        ("transposed", lbase.t()),
    ])
    p = OUT / "legacy.pt"
    legacy_save(leg, p)
    write_expected(p, torch_expected(leg, "torch-legacy"))
    GOOD.append((p, "torch-legacy"))

    # A. nested.pt (also a Parameter -> torch._utils._rebuild_parameter)
    nested = {
        "model": {"enc": {"w": rs_f32(rs, (2, 3)), "b": rs_f32(rs, (3,))}},
        "heads": [rs_f32(rs, (2,)), rs_f32(rs, (1, 2))],
        "pair": (torch.arange(3, dtype=torch.int64), "label"),
        "param": nn.Parameter(rs_f32(rs, (2, 2))),
        "step": 7,
        "name": "nested",
        "flags": {"ok": True, "none": None, "ratio": 0.25},
    }
    p = OUT / "nested.pt"
    torch_save_zip(nested, p)
    write_expected(p, torch_expected(nested, "torch-zip"))
    GOOD.append((p, "torch-zip"))

    # extra: protocol4.pt (FRAME/MEMOIZE/SHORT_BINUNICODE/STACK_GLOBAL in a good file)
    p4 = collections.OrderedDict([("a", rs_f32(rs, (2, 3))), ("b", rs_f32(rs, (3,)).double()),
                                  ("c", torch.tensor([1, 2, 3], dtype=torch.int32))])
    p = OUT / "protocol4.pt"
    torch_save_zip(p4, p, pickle_protocol=4)
    write_expected(p, torch_expected(p4, "torch-zip"))
    GOOD.append((p, "torch-zip"))


class TinyLit(nn.Module):
    """A few DenseAV-like keys for the Lightning fixtures."""

    def __init__(self):
        super().__init__()
        self.audio_cls = nn.Parameter(torch.zeros(8))
        self.sim_cal = SimCal()
        self.image_aligner = Wrap(layer=nn.Conv2d(6, 4, 1), cls_layer=nn.Linear(6, 4))


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
            "param_groups": [{"lr": 5e-05, "betas": (0.9, 0.999), "eps": 1e-07, "weight_decay": 0,
                              "amsgrad": False, "maximize": False, "foreach": None,
                              "capturable": False, "differentiable": False, "fused": False,
                              "params": [0, 1]}],
        }],
        "lr_schedulers": [],
        "hparams_name": "kwargs",
        "hyper_parameters": hparams,
    }


def build_lightning():
    torch.manual_seed(0)
    rs = np.random.RandomState(2)
    # state_dict with full-precision values
    m = TinyLit()
    with torch.no_grad():
        for _, prm in m.state_dict(keep_vars=True).items():
            prm.copy_(rs_f32(rs, tuple(prm.shape)))
    sd = m.state_dict()
    hp = AttributeDict({"code_dim": 384, "sim_agg_heads": 2, "image_model_type": "dino8",
                        "audio_model_type": "hubert", "image_lora": True, "learn_audio_cls": True,
                        "lr": 5e-05, "nested": {"a": [1, 2.5, None, "x"]}, "tuple": (1, 2),
                        "big_int": 12345678901234, "neg": -3, "neg_float": -0.001})
    ck = lightning_dict(sd, hp, rs)
    p = OUT / "lightning.ckpt"
    torch_save_zip(ck, p)
    write_expected(p, torch_expected(ck, "torch-zip"))
    GOOD.append((p, "torch-zip"))

    from omegaconf import OmegaConf
    cfg = OmegaConf.create({"code_dim": 384, "sim_agg_heads": 2, "image_model_type": "dino8",
                            "audio_model_type": "hubert", "image_lora": True, "lr": 5e-05,
                            "optim": {"name": "adam", "betas": [0.9, 0.999], "sched": None},
                            "datasets": ["places-audio", "audioset"],
                            "nested": {"a": [1, 2.5, None, "x", {"deep": True}]}})
    ck2 = lightning_dict(m.state_dict(), cfg, rs)
    p = OUT / "lightning_omegaconf.ckpt"
    torch_save_zip(ck2, p)
    write_expected(p, torch_expected(ck2, "torch-zip"))
    GOOD.append((p, "torch-zip"))


def build_safetensors_basic():
    rs = np.random.RandomState(3)
    dt = make_dtype_tensors(rs)
    st = collections.OrderedDict()
    for k in ("float32", "float16", "bfloat16", "float64", "int64", "int32", "int16", "int8",
              "uint8", "bool", "scalar", "empty", "four_d"):
        st[k] = dt[k]
    p = OUT / "tensors.safetensors"
    write_safetensors(p, st, {"format": "pt"})
    write_expected(p, {"format": "safetensors",
                       "tensors": {k: tensor_expected(v) for k, v in st.items()}})
    GOOD.append((p, "safetensors"))


def write_hf_dir(dirpath, state_dict, config):
    dirpath.mkdir(parents=True, exist_ok=True)
    write_safetensors(dirpath / "model.safetensors", state_dict, {"format": "pt"})
    write_text(dirpath / "config.json", json.dumps(config, indent=2) + "\n")
    write_expected(dirpath, {"format": "safetensors",
                             "tensors": {k: tensor_expected(v) for k, v in state_dict.items()},
                             "metadata": {"config.json": config}})
    GOOD.append((dirpath, "safetensors"))


def build_numpy():
    rs = np.random.RandomState(4)
    a = rs.standard_normal((3, 4)).astype(np.float32)
    p = OUT / "arrays.npy"
    np.save(p, a)
    write_expected(p, {"format": "npy", "tensors": {"arrays": array_expected(a)}})
    GOOD.append((p, "npy"))

    fo = np.asfortranarray(rs.standard_normal((3, 5)))
    assert fo.flags.f_contiguous and not fo.flags.c_contiguous
    p = OUT / "fortran.npy"
    np.save(p, fo)
    write_expected(p, {"format": "npy", "tensors": {"fortran": array_expected(fo)}})
    GOOD.append((p, "npy"))

    be = rs.standard_normal((2, 3)).astype(">f4")
    p = OUT / "bigendian.npy"
    np.save(p, be)
    write_expected(p, {"format": "npy", "tensors": {"bigendian": array_expected(be.astype("<f4"))}})
    GOOD.append((p, "npy"))

    arrs = collections.OrderedDict([
        ("weights", rs.standard_normal((2, 3)).astype(np.float32)),
        ("mask", rs.rand(4) > 0.5),
        ("ids", rs.randint(-10 ** 12, 10 ** 12, size=(3,), dtype=np.int64)),
        ("pixels", rs.randint(0, 256, size=(2, 2)).astype(np.uint8)),
        ("half", rs.standard_normal((3,)).astype(np.float16)),
        ("scalar", np.array(2.5, dtype=np.float64)),
    ])
    p = OUT / "arrays.npz"
    np.savez(p, **arrs)
    write_expected(p, {"format": "npz", "tensors": {k: array_expected(v) for k, v in arrs.items()}})
    GOOD.append((p, "npz"))

    comp = collections.OrderedDict([
        ("a", rs.standard_normal((4, 5)).astype(np.float32)),
        ("b", np.arange(12, dtype=np.int32).reshape(3, 4)),
        ("c", np.asfortranarray(rs.standard_normal((2, 3)))),
    ])
    p = OUT / "compressed.npz"
    np.savez_compressed(p, **comp)
    write_expected(p, {"format": "npz", "tensors": {k: array_expected(v) for k, v in comp.items()}})
    GOOD.append((p, "npz"))


# tiny sizes --------------------------------------------------------------------

TINY_DINO = dict(dim=32, depth=2, heads=2, patch=8, img=32)
TINY_HUBERT_LARGE_CFG = hf_hubert_config("large", 32, 2, 2, 64, [16] * 7, 16, 4, vocab=32)
TINY_HUBERT_BASE_CFG = hf_hubert_config("base", 32, 2, 2, 64, [16] * 7, 16, 4, vocab=32)
TINY_TORCHAUDIO_CONV = [(16, 10, 5), (16, 3, 2), (16, 3, 2), (16, 3, 2), (16, 3, 2), (16, 2, 2), (16, 2, 2)]
# the DenseAV tiny model is smaller still, to keep its two copies (ckpt + hf) small
TINY_DENSEAV_AUDIO_CFG = hf_hubert_config("large", 16, 2, 2, 32, [8] * 7, 8, 2, vocab=32)
TINY_DENSEAV = dict(image_dim=16, image_heads=2, image_depth=2, patch=8, img=32, lora_rank=8,
                    code_dim=16, code_heads=2)
TINY_DENSEAV_HPARAMS = {"code_dim": 16, "sim_agg_heads": 2, "image_model_type": "dino8",
                        "image_aligner_type": "image_linear", "audio_model_type": "hubert",
                        "audio_aligner_type": "audio_sa_3_3_pool_2", "image_lora": True,
                        "image_lora_rank": 8, "learn_audio_cls": True, "sim_agg_type": "misa",
                        "head_agg": "max_elementwise", "sim_use_cls": False, "norm_vectors": False,
                        "lr": 5e-05,
                        "betas": (0.9, 0.999)}


def assert_layout(state_dict, table, what):
    got = [(k, list(v.shape)) for k, v in state_dict.items()]
    want = [(k, list(v)) for k, v in table.items()]
    if got != want:
        missing = set(dict(want)) - set(dict(got))
        extra = set(dict(got)) - set(dict(want))
        raise AssertionError(f"{what}: layout mismatch; missing={sorted(missing)[:5]} "
                             f"extra={sorted(extra)[:5]} (or order/shape differs)")


def torchaudio_tiny():
    import torchaudio
    return torchaudio.models.wav2vec2_model(
        extractor_mode="layer_norm", extractor_conv_layer_config=TINY_TORCHAUDIO_CONV,
        extractor_conv_bias=True, encoder_embed_dim=32, encoder_projection_dropout=0.0,
        encoder_pos_conv_kernel=16, encoder_pos_conv_groups=4, encoder_num_layers=2,
        encoder_num_heads=2, encoder_attention_dropout=0.0, encoder_ff_interm_features=64,
        encoder_ff_interm_dropout=0.0, encoder_dropout=0.0, encoder_layer_norm_first=True,
        encoder_layer_drop=0.0, aux_num_out=None)


def hf_to_torchaudio_key(k):
    if k.startswith("feature_extractor."):
        return k
    if k.startswith("feature_projection."):
        return "encoder." + k
    if k.startswith("encoder."):
        return "encoder.transformer." + k[len("encoder."):]
    return None


def cross_check_hf_vs_torchaudio(hf_model, cfg):
    """Load the HF-layout weights into an equivalent torchaudio model and compare the
    eval forward passes: validates both the layout mapping and HFHubertModel.forward."""
    import torchaudio
    conv = [(c, k, s) for c, k, s in zip(cfg["conv_dim"], cfg["conv_kernel"], cfg["conv_stride"])]
    ta = torchaudio.models.wav2vec2_model(
        extractor_mode="layer_norm" if cfg["feat_extract_norm"] == "layer" else "group_norm",
        extractor_conv_layer_config=conv, extractor_conv_bias=cfg["conv_bias"],
        encoder_embed_dim=cfg["hidden_size"], encoder_projection_dropout=0.0,
        encoder_pos_conv_kernel=cfg["num_conv_pos_embeddings"],
        encoder_pos_conv_groups=cfg["num_conv_pos_embedding_groups"],
        encoder_num_layers=cfg["num_hidden_layers"], encoder_num_heads=cfg["num_attention_heads"],
        encoder_attention_dropout=0.0, encoder_ff_interm_features=cfg["intermediate_size"],
        encoder_ff_interm_dropout=0.0, encoder_dropout=0.0,
        encoder_layer_norm_first=cfg["do_stable_layer_norm"], encoder_layer_drop=0.0, aux_num_out=None)
    mapped = {hf_to_torchaudio_key(k): v for k, v in hf_model.state_dict().items()
              if hf_to_torchaudio_key(k) is not None}
    ta.load_state_dict(mapped, strict=True)
    ta.eval()
    hf_model.eval()
    wav = torch.from_numpy(np.random.RandomState(99).standard_normal((2, 4000)).astype(np.float32))
    with torch.no_grad():
        a = hf_model(wav)
        b, _ = ta(wav)
    err = (a - b).abs().max().item()
    assert a.shape == b.shape and err < 1e-4, (a.shape, b.shape, err)
    return err


def build_tiny_models():
    torch.manual_seed(0)
    # tiny_dino_vit.pth
    d = TINY_DINO
    vit = fill_module(DinoViT(d["dim"], d["depth"], d["heads"], d["patch"], d["img"]), 10)
    sd = vit.state_dict()
    assert_layout(sd, dino_shapes(d["dim"], d["depth"], d["patch"], d["img"]), "tiny dino")
    p = OUT / "tiny_dino_vit.pth"
    torch_save_zip(sd, p)
    write_expected(p, torch_expected(sd, "torch-zip"))
    GOOD.append((p, "torch-zip"))

    # tiny_hubert_hf.bin (HubertForCTC, stable layer norm, "hubert." prefix + lm_head)
    cfg = dict(TINY_HUBERT_LARGE_CFG, architectures=["HubertForCTC"])
    ctc = fill_module(HFHubertForCTC(cfg), 11)
    sd = ctc.state_dict()
    assert_layout(sd, hf_hubert_shapes(cfg, "hubert.", lm_head=True), "tiny hubert ctc")
    err1 = cross_check_hf_vs_torchaudio(ctc.hubert, cfg)
    p = OUT / "tiny_hubert_hf.bin"
    torch_save_zip(sd, p)
    write_expected(p, torch_expected(sd, "torch-zip"))
    GOOD.append((p, "torch-zip"))

    # hf_hubert_tiny/ (HubertModel, stable layer norm, no prefix)
    m = fill_module(HFHubertModel(TINY_HUBERT_LARGE_CFG), 12)
    sd = m.state_dict()
    assert_layout(sd, hf_hubert_shapes(TINY_HUBERT_LARGE_CFG), "hf_hubert_tiny")
    write_hf_dir(OUT / "hf_hubert_tiny", sd, TINY_HUBERT_LARGE_CFG)

    # tiny_hubert_base_hf/ (group-norm extractor, no conv bias, post-LN encoder)
    m = fill_module(HFHubertModel(TINY_HUBERT_BASE_CFG), 13)
    sd = m.state_dict()
    assert_layout(sd, hf_hubert_shapes(TINY_HUBERT_BASE_CFG), "tiny hubert base")
    err2 = cross_check_hf_vs_torchaudio(m, TINY_HUBERT_BASE_CFG)
    write_hf_dir(OUT / "tiny_hubert_base_hf", sd, TINY_HUBERT_BASE_CFG)

    # tiny_hubert_torchaudio.pt
    ta = fill_module(torchaudio_tiny(), 14)
    sd = ta.state_dict()
    p = OUT / "tiny_hubert_torchaudio.pt"
    torch_save_zip(sd, p)
    write_expected(p, torch_expected(sd, "torch-zip"))
    GOOD.append((p, "torch-zip"))

    # tiny_denseav.ckpt + tiny_denseav_hf/
    t = TINY_DENSEAV
    dav = fill_module(DenseAVModel(t["image_dim"], t["image_heads"], t["image_depth"], t["patch"],
                                   t["img"], t["lora_rank"], TINY_DENSEAV_AUDIO_CFG, t["code_dim"],
                                   t["code_heads"]), 15)
    sd = dav.state_dict()
    assert_layout(sd, denseav_shapes(t["image_dim"], t["image_depth"], t["patch"], t["img"],
                                     t["lora_rank"], TINY_DENSEAV_AUDIO_CFG, t["code_dim"]), "tiny denseav")
    rs = np.random.RandomState(16)
    ck = lightning_dict(sd, AttributeDict(TINY_DENSEAV_HPARAMS), rs)
    p = OUT / "tiny_denseav.ckpt"
    torch_save_zip(ck, p)
    write_expected(p, torch_expected(ck, "torch-zip"))
    GOOD.append((p, "torch-zip"))
    write_hf_dir(OUT / "tiny_denseav_hf", sd, to_plain(TINY_DENSEAV_HPARAMS))
    return err1, err2


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


# ---------------------------------------------------------------------------
# Bad / adversarial fixtures
# ---------------------------------------------------------------------------

class RawGlobal:
    """Written verbatim as GLOBAL (or STACK_GLOBAL) by EvilPickler, whatever the
    running Python would call the function."""

    def __init__(self, module, name, stack=False):
        self.module, self.name, self.stack = module, name, stack

    def __call__(self, *a):  # pickle requires reduce functions to be callable
        raise RuntimeError("never called")


class EvilReduce:
    def __init__(self, glob, args):
        self.glob, self.args = glob, args

    def __reduce__(self):
        return (self.glob, self.args)


class EvilInst:
    """Emitted as MARK <args> INST 'module\\nname\\n' (protocol-0 instantiation)."""

    def __init__(self, module, name, args):
        self.module, self.name, self.args = module, name, args


class EvilPickler(pickle._Pickler):
    def save(self, obj, save_persistent_id=True):
        if isinstance(obj, RawGlobal):
            if obj.stack:
                assert self.proto >= 4
                self.save(obj.module)
                self.save(obj.name)
                self.write(pickle.STACK_GLOBAL)
            else:
                self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode("ascii"))
            return
        if isinstance(obj, EvilInst):
            self.write(pickle.MARK)
            for a in obj.args:
                self.save(a)
            self.write(pickle.INST + f"{obj.module}\n{obj.name}\n".encode("ascii"))
            return
        super().save(obj, save_persistent_id)


EVIL_PICKLE_MODULE = types.ModuleType("evil_pickle")
EVIL_PICKLE_MODULE.Pickler = EvilPickler
EVIL_PICKLE_MODULE.dump = pickle.dump
EVIL_PICKLE_MODULE.Unpickler = pickle.Unpickler
EVIL_PICKLE_MODULE.load = pickle.load


def evil_checkpoint(payload):
    rs = np.random.RandomState(5)
    m = TinyLit()
    with torch.no_grad():
        for _, prm in m.state_dict(keep_vars=True).items():
            prm.copy_(rs_f32(rs, tuple(prm.shape)))
    return {"epoch": 0, "global_step": 1, "pytorch-lightning_version": "1.9.4",
            "state_dict": m.state_dict(), "hparams_name": "kwargs",
            "hyper_parameters": AttributeDict({"code_dim": 8, "lr": 1e-4, "callback": payload})}


def build_bad():
    bad = OUT / "bad"
    bad.mkdir(parents=True, exist_ok=True)
    expected = collections.OrderedDict()
    expect_globals = {}
    cmd = "echo pwned > /tmp/denseav_fixture_pwned"

    def evil_zip(name, payload, glob, protocol=2):
        torch.save(evil_checkpoint(payload), str(bad / name), pickle_module=EVIL_PICKLE_MODULE,
                   pickle_protocol=protocol)
        expect_globals[name] = glob

    evil_zip("evil_os_system.pt", EvilReduce(RawGlobal("os", "system"), (cmd,)), "os system")
    expected["evil_os_system.pt"] = "os.system"
    evil_zip("evil_posix_system.pt", EvilReduce(RawGlobal("posix", "system"), (cmd,)), "posix system")
    expected["evil_posix_system.pt"] = "posix.system"
    evil_zip("evil_builtins_eval.pt",
             EvilReduce(RawGlobal("builtins", "eval"), (f"__import__('os').system({cmd!r})",)), "builtins eval")
    expected["evil_builtins_eval.pt"] = "builtins.eval"
    evil_zip("evil_builtin_py2_eval.pt",
             EvilReduce(RawGlobal("__builtin__", "eval"), (f"__import__('os').system({cmd!r})",)),
             "__builtin__ eval")
    expected["evil_builtin_py2_eval.pt"] = "__builtin__.eval"
    evil_zip("evil_subprocess_popen.pt",
             EvilReduce(RawGlobal("subprocess", "Popen"), (["sh", "-c", cmd],)), "subprocess Popen")
    expected["evil_subprocess_popen.pt"] = "subprocess"
    evil_zip("evil_stack_global.pt", EvilReduce(RawGlobal("os", "system", stack=True), (cmd,)),
             "os system", protocol=4)
    expected["evil_stack_global.pt"] = "os.system"
    evil_zip("evil_inst.pt", EvilInst("os", "system", (cmd,)), "os system")
    expected["evil_inst.pt"] = "os.system"
    legacy_save(evil_checkpoint(EvilReduce(RawGlobal("os", "system"), (cmd,))), bad / "evil_legacy.pt",
                pickler_cls=EvilPickler)
    expect_globals["evil_legacy.pt"] = "os system"
    expected["evil_legacy.pt"] = "os.system"

    # structurally broken files
    good_sd = collections.OrderedDict([("w", torch.arange(12, dtype=torch.float32).reshape(3, 4)),
                                       ("b", torch.ones(3))])
    buf = io.BytesIO()
    torch.save(good_sd, buf)          # saved to a buffer -> archive prefix "archive/"
    full = buf.getvalue()
    tmp = io.BytesIO(full)
    (bad / "truncated.pt").write_bytes(full[:len(full) // 2])
    expected["truncated.pt"] = "truncated"

    rs = np.random.RandomState(6)
    junk = bytearray(rs.randint(0, 256, size=256).astype(np.uint8).tobytes())
    junk[0:8] = b"DENSEAV?"      # not PK, not \x80 (pickle), not \x93NUMPY
    junk[8] = ord("x")           # not '{' -> not safetensors either
    (bad / "wrong_magic.bin").write_bytes(bytes(junk))
    expected["wrong_magic.bin"] = "magic"

    (bad / "empty.pt").write_bytes(b"")
    expected["empty.pt"] = "empty"

    def insert_bad_opcode(pkl):
        assert pkl[:2] == b"\x80\x02"
        return pkl[:2] + b"\xff" + pkl[2:]
    rewrite_zip(tmp, bad / "unknown_opcode.pt", {"/data.pkl": insert_bad_opcode})
    expected["unknown_opcode.pt"] = "opcode"

    # (torch.load itself silently zero-fills the missing bytes; the Java loader must refuse)
    rewrite_zip(tmp, bad / "outside_storage.pt", {"/data/0": lambda b: b[:len(b) // 2]})
    expected["outside_storage.pt"] = "outside"

    torch.save({"z": torch.zeros(2, dtype=torch.complex64), "w": torch.ones(2)}, str(bad / "unknown_storage.pt"))
    expect_globals["unknown_storage.pt"] = "torch ComplexFloatStorage"
    expected["unknown_storage.pt"] = "complexfloatstorage"

    def raw_safetensors(header, data):
        hb = json.dumps(header, separators=(",", ":")).encode()
        hb += b" " * ((8 - len(hb) % 8) % 8)
        return struct.pack("<Q", len(hb)) + hb + data

    (bad / "bad_dtype.safetensors").write_bytes(raw_safetensors(
        {"__metadata__": {"format": "pt"}, "w": {"dtype": "X99", "shape": [2, 2], "data_offsets": [0, 16]}},
        bytes(16)))
    expected["bad_dtype.safetensors"] = "dtype"
    (bad / "outside_storage.safetensors").write_bytes(raw_safetensors(
        {"__metadata__": {"format": "pt"}, "w": {"dtype": "F32", "shape": [256], "data_offsets": [0, 1024]}},
        bytes(16)))
    expected["outside_storage.safetensors"] = "outside"
    valid = safetensors_bytes({"w": torch.ones(2, 2)}, {"format": "pt"})
    (bad / "bad_header.safetensors").write_bytes(struct.pack("<Q", 4096) + valid[8:])
    expected["bad_header.safetensors"] = "header"

    write_text(bad / "expected_errors.json", json.dumps(expected, indent=2) + "\n")
    return expected, expect_globals


# ---------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------

def expected_path(p):
    p = Path(p)
    return p / "expected.json" if p.is_dir() else p.with_name(p.name + ".expected.json")


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
        doc = {"format": "safetensors", "tensors": {k: tensor_expected(v) for k, v in tensors.items()}}
        if p.is_dir():
            doc["metadata"] = {"config.json": json.loads((p / "config.json").read_text())}
        return doc
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


DANGEROUS_MODULES = ("os", "posix", "nt", "builtins", "__builtin__", "subprocess")


class _Recorder:
    def __init__(self, name, calls):
        self.name, self.calls = name, calls

    def __call__(self, *args):
        self.calls.append((self.name, args))
        return f"<refused {self.name}>"


class InspectingUnpickler(pickle.Unpickler):
    """Loads a checkpoint pickle WITHOUT running the payload: dangerous globals become
    recorders, storages become uninitialised storages of the right type and size.

    NB: never use torch.load(..., pickle_module=...) for this: torch 1.13 ignores the
    pickle_module argument unless weights_only=True and would execute the payload."""

    def __init__(self, f, calls):
        super().__init__(f)
        self.calls = calls

    def find_class(self, module, name):
        if module.split(".")[0] in DANGEROUS_MODULES:
            return _Recorder(f"{module}.{name}", self.calls)
        return super().find_class(module, name)

    def persistent_load(self, pid):
        assert pid[0] == "storage", pid
        return pid[1](pid[4])


def inspect_torch_file(path):
    """(object, dangerous calls) of a torch zip or legacy file, payload not executed."""
    calls = []
    path = Path(path)
    if zipfile.is_zipfile(path):
        obj = InspectingUnpickler(io.BytesIO(torch_pickle_bytes(path)), calls).load()
    else:
        with open(path, "rb") as f:
            for _ in range(3):   # magic number, protocol version, sys_info
                pickle.load(f)
            obj = InspectingUnpickler(f, calls).load()
    return obj, calls


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


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    build_torch_basic()
    build_lightning()
    build_safetensors_basic()
    build_numpy()
    err1, err2 = build_tiny_models()
    totals = build_families()
    expected_errors, expect_globals = build_bad()

    verify_good()
    verify_bad(expect_globals)

    # parameter totals
    for name, n in totals.items():
        print(f"  {name:26s} {n:>13,d} parameters")
    assert totals["denseav_2head"] == 341_346_817, totals["denseav_2head"]
    assert totals["denseav_language"] == 341_346_817
    assert totals["denseav_sound"] == 341_346_817 - 12 * (8 * 384 + 1152 * 8)
    print(f"HF-layout HuBERT forward == torchaudio forward (max abs err {err1:.2e}, {err2:.2e})")

    print("\nPickle GLOBALs in the good torch fixtures:")
    for g, files in good_torch_globals().items():
        print(f"  {g.replace(' ', '.'):50s} {', '.join(sorted(files))}")

    print("\nFiles:")
    total = 0
    biggest = 0
    for f in sorted(OUT.rglob("*")):
        if f.is_file():
            sz = f.stat().st_size
            total += sz
            biggest = max(biggest, sz)
            print(f"  {sz:>9,d}  {f.relative_to(OUT)}")
    print(f"  {total:>9,d}  TOTAL ({total / 1e6:.2f} MB), largest file {biggest:,d} bytes")
    assert biggest < 1_000_000, "a fixture file exceeds 1 MB"
    print("all fixtures verified")


if __name__ == "__main__":
    main()
