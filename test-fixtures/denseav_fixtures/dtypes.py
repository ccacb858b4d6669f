"""dtype names shared by every format: torch and numpy dtypes map to the safetensors
spelling ("F32", "BF16", "BOOL", ...) used in the expected JSON."""

import torch

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


def tensor_dtype_name(t):
    return TORCH_DTYPE_NAMES[t.dtype]
