#!/usr/bin/python3
"""FULL-SIZE backbone goldens (not committed): DINO ViT-S/8 and HuBERT-Large with random
weights, in the same file names / case.json layout as generate_backbones.py.

    /usr/bin/python3 test-fixtures/make_fullsize_backbones.py OUT_DIR [--only vit|hubert]
        [--all-layouts] [--no-crosscheck]

  OUT_DIR/vit_s8/        weights.pth (DINO layout, ~87 MB), input.npy [1,3,224,224],
                         tokens.npy [1,785,384], patch_tokens.npy [1,384,28,28], cls.npy [1,384],
                         block_{0..11}.npy, case.json
  OUT_DIR/hubert_large/  hf.bin (HF HubertForCTC layout, ~1.26 GB), input.npy [1,164200],
                         features.npy [1,512,512], last_hidden_state.npy [1,512,1024],
                         layer_{0..23}.npy, case.json
                         (--all-layouts adds torchaudio.pt and hf_param.safetensors)

References as in generate_backbones.py: torchvision VisionTransformer with the DINO keys
mapped onto it, torchaudio wav2vec2_model; goldens computed in float64 and stored as
float32.  case.json "checks" holds the float32 torch forward against the golden and (unless
--no-crosscheck) the same weights through the DINO-layout / HF-layout modules of
denseav_fixtures.  Weights are generated one tensor at a time (numpy, seeded) and written
with torch.save from the module's own tensors; peak memory is about 6 GB (HuBERT fp32
model + fp64 copy + the HF-module cross-check).  About 3-6 minutes on 2 cores.
"""

import argparse
import resource
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # keep test-fixtures/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from denseav_fixtures import backbones as bb  # noqa: E402
from denseav_fixtures.ops_goldens import dump_json  # noqa: E402
from denseav_fixtures.writers import torch_save_zip, write_safetensors, write_text  # noqa: E402
from denseav_fixtures.clock import Clock  # noqa: E402

VIT = dict(embed_dim=384, depth=12, heads=6, mlp_dim=1536, patch=8, pos_grid=28, eps=1e-6)
SAMPLES = 164_200


def save_all(d, tensors):
    for name, t in tensors.items():
        bb.save_npy(d / f"{name}.npy", t)


def build_vit(out, crosscheck):
    d = out / "vit_s8"
    d.mkdir(parents=True, exist_ok=True)
    tick = Clock()
    D, depth, heads, p, grid, eps = (VIT[k] for k in ("embed_dim", "depth", "heads", "patch", "pos_grid", "eps"))
    sd = bb.dino_state(D, depth, p, grid, seed=300)
    tick(f"DINO ViT-S/8 weights ({sum(v.numel() for v in sd.values()):,d} parameters)")
    torch_save_zip(sd, d / "weights.pth")
    tick(f"wrote weights.pth ({(d / 'weights.pth').stat().st_size:,d} bytes)")
    H = W = grid * p
    img = torch.from_numpy(np.random.RandomState(3000).standard_normal((1, 3, H, W)).astype(np.float32))
    m32 = bb.vit_reference(sd, D, depth, heads, p, grid, eps, H, W, dtype=torch.float32)
    t = time.time()
    tok32 = bb.vit_forward(m32, img)["tokens"]
    t32 = time.time() - t
    del m32
    tick(f"torchvision fp32 forward ({t32:.2f}s)")
    ref = bb.vit_reference(sd, D, depth, heads, p, grid, eps, H, W)
    out64 = bb.vit_forward(ref, img.double())
    del ref
    tick("torchvision fp64 forward (golden)")
    save_all(d, dict(input=img, **out64))
    checks = {"torch_fp32_vs_golden": bb.rel_err(tok32, out64["tokens"])}
    if crosscheck:
        checks["dino_module_vs_golden"] = bb.vit_dino_crosscheck(sd, D, depth, heads, p, grid, eps, img,
                                                                 out64["tokens"])
        tick("DinoViT (dino code path) cross-check")
    n = 1 + (H // p) * (W // p)
    case = dict(VIT, height=H, width=W, batch=1, weights="weights.pth", layout="dino",
                reference="torchvision.models.VisionTransformer, DINO keys mapped", computed_in="float64",
                input_seed=3000, outputs={"tokens": [1, n, D], "patch_tokens": [1, D, H // p, W // p],
                                          "cls": [1, D], "block_i": "raw output of encoder layer i [B,1+hw,D]"},
                checks=checks)
    write_text(d / "case.json", dump_json(case))
    print("  vit_s8 checks:", checks)
    assert checks["torch_fp32_vs_golden"] < 1e-4 and checks.get("dino_module_vs_golden", 0) < 1e-5


def build_hubert(out, all_layouts, crosscheck):
    d = out / "hubert_large"
    d.mkdir(parents=True, exist_ok=True)
    tick = Clock()
    cfg = bb.hubert_cfg("large", 1024, 24, 16, 4096, 512, 128, 16)
    model = bb.torchaudio_hubert(cfg)
    sd = bb.hubert_state(model, seed=400)
    del sd                                    # the module now holds its own copy
    tick(f"HuBERT-Large torchaudio model + weights ({sum(p.numel() for p in model.parameters()):,d} parameters)")
    ta_sd = model.state_dict()                # tensors share the module's storages
    ctc_sd = bb.hf_ctc_state(ta_sd, cfg, seed=401)
    torch_save_zip(ctc_sd, d / "hf.bin")
    tick(f"wrote hf.bin ({(d / 'hf.bin').stat().st_size:,d} bytes)")
    weights = {"hf": "hf.bin"}
    if all_layouts:
        torch_save_zip(ta_sd, d / "torchaudio.pt")
        write_safetensors(d / "hf_param.safetensors", bb.hf_param_state(ctc_sd), {"format": "pt"})
        weights.update(torchaudio="torchaudio.pt", hf_param="hf_param.safetensors")
        tick("wrote torchaudio.pt, hf_param.safetensors")
    del ta_sd
    wav = torch.from_numpy(np.random.RandomState(4000).standard_normal((1, SAMPLES)).astype(np.float32))
    t = time.time()
    hid32 = bb.hubert_forward(model, wav)["last_hidden_state"]
    t32 = time.time() - t
    tick(f"torchaudio fp32 forward incl. per-layer outputs ({t32:.2f}s)")
    model.double()
    out64 = bb.hubert_forward(model, wav.double())
    del model
    tick("torchaudio fp64 forward (golden)")
    save_all(d, dict(input=wav, **out64))
    golden = out64["last_hidden_state"]
    checks = {"torch_fp32_vs_golden": bb.rel_err(hid32, golden)}
    if crosscheck:
        checks["hf_module_vs_golden"] = bb.hf_crosscheck(ctc_sd, cfg, wav, golden)
        tick("HFHubertForCTC (HF code path) cross-check")
    del ctc_sd
    T = bb.hubert_frames(SAMPLES)
    assert golden.shape == (1, T, 1024), golden.shape
    case = {"hidden": 1024, "layers": 24, "heads": 16, "ffn": 4096, "conv_dim": 512,
            "conv_layers": [[512, k, s] for k, s in bb.CONV_SHAPES], "pos_conv_kernel": 128,
            "pos_conv_groups": 16, "extractor": "layer", "layer_norm_first": True, "conv_bias": True,
            "extractor_eps": 1e-5, "encoder_eps": 1e-5, "samples": SAMPLES, "frames": T, "batch": 1,
            "input_seed": 4000, "weights": weights,
            "reference": "torchaudio wav2vec2_model (hubert_large architecture): feature_extractor(x, None) "
                         "then encoder(features, None), eval", "computed_in": "float64",
            "outputs": {"features": [1, T, 512], "last_hidden_state": [1, T, 1024],
                        "layer_i": "raw output of transformer layer i [B,T,hidden] (before the final LN)"},
            "checks": checks}
    write_text(d / "case.json", dump_json(case))
    print("  hubert_large checks:", checks)
    assert checks["torch_fp32_vs_golden"] < 1e-4 and checks.get("hf_module_vs_golden", 0) < 1e-5


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--only", choices=("vit", "hubert"))
    ap.add_argument("--all-layouts", action="store_true", help="HuBERT: also torchaudio.pt, hf_param.safetensors")
    ap.add_argument("--no-crosscheck", action="store_true")
    args = ap.parse_args(argv)
    out = Path(args.out)
    torch.manual_seed(0)
    t0 = time.time()
    if args.only in (None, "vit"):
        print("vit_s8")
        build_vit(out, not args.no_crosscheck)
    if args.only in (None, "hubert"):
        print("hubert_large")
        build_hubert(out, args.all_layouts, not args.no_crosscheck)
    for p in sorted(out.rglob("*")):
        if p.is_file() and p.suffix != ".npy" or p.name in ("input.npy", "tokens.npy", "last_hidden_state.npy"):
            print(f"{p.stat().st_size:14,d}  {p.relative_to(out)}")
    print(f"done in {time.time() - t0:.1f}s; peak RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
