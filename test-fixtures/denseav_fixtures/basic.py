"""Format-coverage fixtures: every dtype, strided views, the legacy torch format,
nested containers, pickle protocol 4, safetensors, and npy/npz."""

import collections

import numpy as np
import torch
import torch.nn as nn

from .expected import array_expected, safetensors_expected, torch_expected
from .output import OUT, register, save_torch_zip_fixture
from .weights import rs_f32
from .writers import legacy_save, write_safetensors


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
    save_torch_zip_fixture(dt, OUT / "dtypes.pt")

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
    save_torch_zip_fixture(views, OUT / "views.pt")

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
    register(p, "torch-legacy", torch_expected(leg, "torch-legacy"))

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
    save_torch_zip_fixture(nested, OUT / "nested.pt")

    # extra: protocol4.pt (FRAME/MEMOIZE/SHORT_BINUNICODE/STACK_GLOBAL in a good file)
    p4 = collections.OrderedDict([("a", rs_f32(rs, (2, 3))), ("b", rs_f32(rs, (3,)).double()),
                                  ("c", torch.tensor([1, 2, 3], dtype=torch.int32))])
    save_torch_zip_fixture(p4, OUT / "protocol4.pt", pickle_protocol=4)


def build_safetensors_basic():
    rs = np.random.RandomState(3)
    dt = make_dtype_tensors(rs)
    st = collections.OrderedDict()
    for k in ("float32", "float16", "bfloat16", "float64", "int64", "int32", "int16", "int8",
              "uint8", "bool", "scalar", "empty", "four_d"):
        st[k] = dt[k]
    p = OUT / "tensors.safetensors"
    write_safetensors(p, st, {"format": "pt"})
    register(p, "safetensors", safetensors_expected(st))


def save_npy(name, a, logical=None):
    """np.save a as NAME.npy; `logical` is the array the loader must report (default a)."""
    p = OUT / f"{name}.npy"
    np.save(p, a)
    logical = a if logical is None else logical
    register(p, "npy", {"format": "npy", "tensors": {name: array_expected(logical)}})


def save_npz(name, arrs, savez):
    """savez (np.savez or np.savez_compressed) the named arrays as NAME.npz."""
    p = OUT / f"{name}.npz"
    savez(p, **arrs)
    register(p, "npz", {"format": "npz", "tensors": {k: array_expected(v) for k, v in arrs.items()}})


def build_numpy():
    rs = np.random.RandomState(4)
    save_npy("arrays", rs.standard_normal((3, 4)).astype(np.float32))

    fo = np.asfortranarray(rs.standard_normal((3, 5)))
    assert fo.flags.f_contiguous and not fo.flags.c_contiguous
    save_npy("fortran", fo)

    be = rs.standard_normal((2, 3)).astype(">f4")
    save_npy("bigendian", be, be.astype("<f4"))

    arrs = collections.OrderedDict([
        ("weights", rs.standard_normal((2, 3)).astype(np.float32)),
        ("mask", rs.rand(4) > 0.5),
        ("ids", rs.randint(-10 ** 12, 10 ** 12, size=(3,), dtype=np.int64)),
        ("pixels", rs.randint(0, 256, size=(2, 2)).astype(np.uint8)),
        ("half", rs.standard_normal((3,)).astype(np.float16)),
        ("scalar", np.array(2.5, dtype=np.float64)),
    ])
    save_npz("arrays", arrs, np.savez)

    comp = collections.OrderedDict([
        ("a", rs.standard_normal((4, 5)).astype(np.float32)),
        ("b", np.arange(12, dtype=np.int32).reshape(3, 4)),
        ("c", np.asfortranarray(rs.standard_normal((2, 3)))),
    ])
    save_npz("compressed", comp, np.savez_compressed)
