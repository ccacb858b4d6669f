"""Pickle inspection that never runs a payload: the GLOBALs a pickle references
(pickletools only), and an unpickler that turns dangerous globals into recorders."""

import io
import pickle
import pickletools
import zipfile
from pathlib import Path


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
