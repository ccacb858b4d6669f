#!/usr/bin/python3
"""Plain-data pickles in every protocol (0-5), with their values as JSON, for the Java Unpickler tests.

Run: /usr/bin/python3 test-fixtures/generate_pickles.py   (needs only the Python standard library)
Writes test-fixtures/src/main/resources/fixtures/pickles/<case>_p<protocol>.pkl and <case>.expected.json.
"""
import collections
import json
import os
import pickle
import types

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "src/main/resources/fixtures/pickles")


def plain(o):
    """The JSON the Java side must produce: tuples/sets -> lists, dict keys -> str, bytes -> latin-1 text."""
    if isinstance(o, dict):
        return {str(k): plain(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [plain(v) for v in o]
    if isinstance(o, (set, frozenset)):
        return [plain(v) for v in sorted(o, key=repr)]
    if isinstance(o, (bytes, bytearray)):
        return bytes(o).decode("latin-1")
    return o


# A stand-in for Lightning's AttributeDict, pickled under its real module path.
for name in ["pytorch_lightning", "pytorch_lightning.utilities", "pytorch_lightning.utilities.parsing"]:
    import sys
    sys.modules.setdefault(name, types.ModuleType(name))


class AttributeDict(dict):
    pass


AttributeDict.__module__ = "pytorch_lightning.utilities.parsing"
sys.modules["pytorch_lightning.utilities.parsing"].AttributeDict = AttributeDict

CASES = {
    "scalars": {"none": None, "t": True, "f": False, "small": 7, "neg": -3, "int16": 40000, "int32": -2 ** 31,
                "big": 2 ** 70, "negbig": -(2 ** 65) + 3, "float": 0.1, "tiny": 5e-324, "neg_float": -2.5e10,
                "str": "héllo \u2603 \U0001F600", "empty": "", "bytes": b"\x00\x01\xffabc"},
    "containers": {"list": [1, [2, [3, []]], (4, 5)], "tuple0": (), "tuple1": (1,), "tuple2": (1, 2),
                   "tuple3": (1, 2, 3), "tuple4": (1, 2, 3, 4), "dict": {"a": {"b": {"c": 1}}},
                   "intkeys": {0: "zero", 1: "one"}, "od": collections.OrderedDict([("z", 1), ("a", 2)]),
                   "set": {3, 1, 2}, "frozen": frozenset(["x"])},
    "shared": None,  # filled below: the same list referenced twice (memo GET)
    "attrdict": AttributeDict(lr=5e-5, heads=2, nested=AttributeDict(x=[1, 2])),
}
shared = [1, 2, 3]
CASES["shared"] = {"a": shared, "b": shared, "long": "x" * 300}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, value in CASES.items():
        with open(os.path.join(OUT, name + ".expected.json"), "w") as f:
            json.dump(plain(value), f, indent=1, sort_keys=False)
        for proto in range(0, 6):
            with open(os.path.join(OUT, "%s_p%d.pkl" % (name, proto)), "wb") as f:
                pickle.dump(value, f, protocol=proto)
    print("wrote", len(os.listdir(OUT)), "files to", OUT)


if __name__ == "__main__":
    main()
