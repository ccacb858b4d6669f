#!/usr/bin/python3
"""ONNX exports of the two full-size backbones, as an ONNX Runtime timing anchor for Java.

    /usr/bin/python3 test-fixtures/export_onnx_backbones.py OUT_DIR [--only vit|hubert] [--opset 13]

  OUT_DIR/vit_s8.onnx        torchvision ViT-S/8 backbone (patch embedding + class token +
                             encoder incl. final LN, no head); input "pixel_values"
                             [batch,3,224,224] (dynamic batch axis), output "tokens" [batch,785,384]
  OUT_DIR/hubert_large.onnx  torchaudio HuBERT-Large feature_extractor + encoder; input
                             "waveform" [1,164200], output "last_hidden_state" [1,512,1024]
                             (weight norm folded into the positional conv weight first)

The weights are the seeded ones of make_fullsize_backbones.py (DINO seed 300, HuBERT seed
400), so running OUT_DIR/vit_s8/input.npy / hubert_large/input.npy of that script through
these graphs must reproduce its tokens.npy / last_hidden_state.npy (within fp32 error).
torch.onnx.export in torch 1.13 needs no `onnx` Python package; the written files are
checked here with a minimal protobuf reader (op histogram, inputs/outputs, initializers).
"""

import argparse
import collections
import resource
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # keep test-fixtures/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

from denseav_fixtures import backbones as bb  # noqa: E402

SAMPLES = 164_200


class VitBackbone(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x):
        t = self.m._process_input(x)
        return self.m.encoder(torch.cat([self.m.class_token.expand(x.shape[0], -1, -1), t], dim=1))


class HubertBackbone(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x):
        f, _ = self.m.feature_extractor(x, None)
        return self.m.encoder(f, None)


# ---------------------------------------------------------------------------
# minimal protobuf reading (no onnx package): enough to summarise an ONNX ModelProto
# ---------------------------------------------------------------------------

def _varint(b, i):
    r = s = 0
    while True:
        c = b[i]
        i += 1
        r |= (c & 0x7F) << s
        s += 7
        if c < 0x80:
            return r, i


def _fields(b):
    """Yield (field_number, value) of one message; length-delimited values as memoryview."""
    i, n = 0, len(b)
    while i < n:
        key, i = _varint(b, i)
        f, wt = key >> 3, key & 7
        if wt == 0:
            v, i = _varint(b, i)
        elif wt == 1:
            v, i = b[i:i + 8], i + 8
        elif wt == 2:
            ln, i = _varint(b, i)
            v, i = b[i:i + ln], i + ln
        elif wt == 5:
            v, i = b[i:i + 4], i + 4
        else:
            raise ValueError(f"wire type {wt}")
        yield f, v


def _value_info(b):
    name, dims = None, []
    for f, v in _fields(b):
        if f == 1:
            name = bytes(v).decode()
        elif f == 2:                                  # TypeProto
            for f2, v2 in _fields(v):
                if f2 == 1:                           # tensor_type
                    for f3, v3 in _fields(v2):
                        if f3 == 2:                   # shape
                            for f4, v4 in _fields(v3):
                                if f4 == 1:           # dim
                                    for f5, v5 in _fields(v4):
                                        dims.append(v5 if f5 == 1 else bytes(v5).decode())
    return name, dims


def onnx_summary(path):
    data = memoryview(Path(path).read_bytes())
    s = {"ops": collections.Counter(), "inputs": [], "outputs": [], "initializers": 0, "opset": None}
    for f, v in _fields(data):
        if f == 8:                                    # opset_import
            for f2, v2 in _fields(v):
                if f2 == 2:
                    s["opset"] = v2
        if f != 7:                                    # graph
            continue
        for f2, v2 in _fields(v):
            if f2 == 1:                               # node
                s["ops"].update(bytes(v3).decode() for f3, v3 in _fields(v2) if f3 == 4)
            elif f2 == 5:
                s["initializers"] += 1
            elif f2 == 11:
                s["inputs"].append(_value_info(v2))
            elif f2 == 12:
                s["outputs"].append(_value_info(v2))
    return s


def export(module, args, path, in_name, out_name, dynamic, opset):
    t = time.time()
    torch.onnx.export(module, args, str(path), opset_version=opset, input_names=[in_name],
                      output_names=[out_name], dynamic_axes=dynamic, do_constant_folding=True)
    s = onnx_summary(path)
    print(f"  exported {path} ({path.stat().st_size:,d} bytes) in {time.time() - t:.1f}s; opset {s['opset']}; "
          f"inputs {s['inputs']} outputs {s['outputs']}; {s['initializers']} initializers")
    print("  ops:", dict(s["ops"].most_common()))
    return s


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--only", choices=("vit", "hubert"))
    ap.add_argument("--opset", type=int, default=13)
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    if args.only in (None, "vit"):
        print("vit_s8")
        sd = bb.dino_state(384, 12, 8, 28, seed=300)
        m = VitBackbone(bb.vit_reference(sd, 384, 12, 6, 8, 28, 1e-6, 224, 224, dtype=torch.float32)).eval()
        s = export(m, (torch.randn(1, 3, 224, 224),), out / "vit_s8.onnx", "pixel_values", "tokens",
                   {"pixel_values": {0: "batch"}, "tokens": {0: "batch"}}, args.opset)
        assert s["inputs"] == [("pixel_values", ["batch", 3, 224, 224])], s["inputs"]
        del m, sd
    if args.only in (None, "hubert"):
        print("hubert_large")
        cfg = bb.hubert_cfg("large", 1024, 24, 16, 4096, 512, 128, 16)
        ta = bb.torchaudio_hubert(cfg)
        bb.hubert_state(ta, seed=400)
        nn.utils.remove_weight_norm(ta.encoder.transformer.pos_conv_embed.conv)
        s = export(HubertBackbone(ta).eval(), (torch.randn(1, SAMPLES),), out / "hubert_large.onnx", "waveform",
                   "last_hidden_state", None, args.opset)
        assert s["outputs"] == [("last_hidden_state", [1, bb.hubert_frames(SAMPLES), 1024])], s["outputs"]
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
