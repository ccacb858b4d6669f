"""Bad / adversarial fixtures under bad/: checkpoints whose pickles call os.system,
eval, subprocess.Popen, ... if loaded with pickle/torch.load (never do that), and
structurally broken torch, zip and safetensors files.  bad/expected_errors.json maps
each file to a substring the Java error message must contain."""

import collections
import io
import json
import pickle
import struct
import types

import numpy as np
import torch

from .lightning import AttributeDict, tiny_lit
from .output import OUT
from .writers import legacy_save, pack_safetensors_header, rewrite_zip, safetensors_bytes, write_text


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
    m = tiny_lit(np.random.RandomState(5))
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
        return pack_safetensors_header(header) + data

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
