#!/usr/bin/python3
"""Forward goldens for the SameDiff DINO ViT and HuBERT, from INDEPENDENT torch code:
torchvision.models.VisionTransformer (with DINO-layout weights mapped onto it) and
torchaudio.models.wav2vec2_model.  Plus op-level goldens (ops/).

    /usr/bin/python3 test-fixtures/generate_backbones.py

Writes test-fixtures/src/main/resources/fixtures/backbones/ (rebuilt from scratch; seeded,
same values on every run).  Goldens are computed in float64 from the float32 weights and
inputs and stored as float32 .npy; every case.json records what it holds.  The script
also cross-checks the key mappings against the layout modules in denseav_fixtures
(dino.DinoViT, hubert.HFHubertForCTC) and measures how far a wrong eps / tanh GELU /
wrong interpolation would move each golden ("checks" in case.json).  See README.md.
"""

import json
import shutil
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep test-fixtures/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from denseav_fixtures import backbones as bb  # noqa: E402
from denseav_fixtures.ops_goldens import build_ops, dump_json  # noqa: E402
from denseav_fixtures.writers import torch_save_zip, write_safetensors, write_text  # noqa: E402

OUT = Path(__file__).resolve().parent / "src" / "main" / "resources" / "fixtures" / "backbones"
TOL = 1e-4   # the Java check: max|d| <= TOL * max|ref|


def write_json(path, doc):
    write_text(path, dump_json(doc))


def save_outputs(d, outputs):
    d.mkdir(parents=True, exist_ok=True)
    for name, t in outputs.items():
        bb.save_npy(d / f"{name}.npy", t)


# ---------------------------------------------------------------------------
# ViT
# ---------------------------------------------------------------------------

def vit_case(d, sd, arch, H, W, B, seed, weights_rel):
    """One ViT case: input, goldens (float64 torchvision), case.json, cross-checks."""
    D, depth, heads, p, grid, eps = (arch[k] for k in ("embed_dim", "depth", "heads", "patch", "pos_grid", "eps"))
    img = torch.from_numpy(np.random.RandomState(seed).standard_normal((B, 3, H, W)).astype(np.float32))
    ref = bb.vit_reference(sd, D, depth, heads, p, grid, eps, H, W)
    out = bb.vit_forward(ref, img.double())
    save_outputs(d, dict(input=img, **out))
    checks = {}
    # the float32 torchvision forward: what the tolerance has to absorb
    ref32 = bb.vit_reference(sd, D, depth, heads, p, grid, eps, H, W, dtype=torch.float32)
    checks["torch_fp32_vs_golden"] = bb.rel_err(bb.vit_forward(ref32, img)["tokens"], out["tokens"])
    # the same DINO-layout weights through dino's own forward (denseav_fixtures.dino.DinoViT)
    checks["dino_module_vs_golden"] = bb.vit_dino_crosscheck(sd, D, depth, heads, p, grid, eps, img, out["tokens"])
    assert checks["torch_fp32_vs_golden"] < TOL / 10 and checks["dino_module_vs_golden"] < 1e-5, checks
    # sensitivity: how far plausible mistakes move the golden (must be >> TOL)
    for name, e in (("eps_x10", eps * 10), ("eps_div10", eps / 10)):
        alt = bb.vit_reference(sd, D, depth, heads, p, grid, e, H, W)
        checks[f"sensitivity_{name}"] = bb.rel_err(bb.vit_forward(alt, img.double())["tokens"], out["tokens"])
    for mod in ref.modules():
        if isinstance(mod, nn.GELU):
            mod.approximate = "tanh"
    checks["sensitivity_tanh_gelu"] = bb.rel_err(bb.vit_forward(ref, img.double())["tokens"], out["tokens"])
    if (H, W) != (grid * p, grid * p):
        alt = bb.vit_reference(sd, D, depth, heads, p, grid, eps, grid * p, grid * p)
        pos = alt.encoder.pos_embedding.data
        hp, wp = H // p, W // p   # bicubic to the same size, but with the in/out size ratio as scale
        patch = F.interpolate(pos[:, 1:].reshape(1, grid, grid, D).permute(0, 3, 1, 2), size=(hp, wp),
                              mode="bicubic").permute(0, 2, 3, 1).reshape(1, -1, D)
        alt.encoder.pos_embedding = nn.Parameter(torch.cat([pos[:, :1], patch], 1))
        checks["sensitivity_size_ratio_interp"] = bb.rel_err(bb.vit_forward(alt, img.double())["tokens"], out["tokens"])
    case = dict(arch, height=H, width=W, batch=B, weights=weights_rel, layout="dino",
                reference="torchvision.models.VisionTransformer %s, DINO keys mapped, pos_embed "
                          "interpolated as dino interpolate_pos_encoding" % __import__("torchvision").__version__,
                computed_in="float64", input_seed=seed,
                outputs={"tokens": [B, 1 + (H // p) * (W // p), D], "patch_tokens": [B, D, H // p, W // p],
                         "cls": [B, D], "block_i": "raw output of encoder layer i [B,1+hw,D], before the final norm"},
                checks=checks)
    write_json(d / "case.json", case)
    return checks


def build_vit():
    report = {}
    arch = dict(embed_dim=32, depth=2, heads=2, mlp_dim=128, patch=8, pos_grid=4, eps=1e-6)
    sd = bb.dino_state(32, 2, 8, 4, seed=100)
    torch_save_zip(sd, OUT / "vit_tiny" / "weights.pth")
    report["vit_tiny/grid"] = vit_case(OUT / "vit_tiny" / "grid", sd, arch, 32, 32, 1, 1000, "../weights.pth")
    report["vit_tiny/interp"] = vit_case(OUT / "vit_tiny" / "interp", sd, arch, 40, 24, 2, 1001, "../weights.pth")
    # eps 1e-4 with the SAME weights as vit_tiny (only eps differs)
    report["vit_tiny_eps4"] = vit_case(OUT / "vit_tiny_eps4", sd, dict(arch, eps=1e-4), 32, 32, 1, 1000,
                                       "../vit_tiny/weights.pth")
    arch16 = dict(arch, patch=16)
    sd16 = bb.dino_state(32, 2, 16, 4, seed=101)
    torch_save_zip(sd16, OUT / "vit_tiny_p16" / "weights.pth")
    report["vit_tiny_p16"] = vit_case(OUT / "vit_tiny_p16", sd16, arch16, 64, 64, 1, 1002, "weights.pth")
    return report


# ---------------------------------------------------------------------------
# HuBERT
# ---------------------------------------------------------------------------

def hubert_case(d, cfg, seed, wav_seed, encoder_eps, weights_dir, write_weights):
    large = cfg["do_stable_layer_norm"]
    model = bb.torchaudio_hubert(cfg)
    ta_sd = bb.hubert_state(model, seed)
    ctc_sd = bb.hf_ctc_state(ta_sd, cfg, seed + 1)
    if write_weights:
        torch_save_zip(ta_sd, d / "torchaudio.pt")
        torch_save_zip(ctc_sd, d / "hf.bin")
        write_safetensors(d / "hf_param.safetensors", bb.hf_param_state(ctc_sd), {"format": "pt"})
    n_ln = bb.set_encoder_eps(model, encoder_eps)
    wav = torch.from_numpy(np.random.RandomState(wav_seed).standard_normal((2, 4000)).astype(np.float32))
    m64 = model.double()
    out = bb.hubert_forward(m64, wav.double())
    save_outputs(d, dict(input=wav, **out))
    golden = out["last_hidden_state"]
    checks = {}
    m32 = bb.torchaudio_hubert(cfg)
    m32.load_state_dict(ta_sd)
    bb.set_encoder_eps(m32, encoder_eps)
    checks["torch_fp32_vs_golden"] = bb.rel_err(bb.hubert_forward(m32, wav)["last_hidden_state"], golden)
    checks["hf_module_vs_golden"] = bb.hf_crosscheck(ctc_sd, dict(cfg, layer_norm_eps=encoder_eps), wav, golden)
    assert checks["torch_fp32_vs_golden"] < TOL / 10 and checks["hf_module_vs_golden"] < 1e-5, checks
    # sensitivity of the golden to plausible mistakes (must be >> TOL)
    bb.set_encoder_eps(m64, encoder_eps * 10)
    checks["sensitivity_encoder_eps_x10"] = bb.rel_err(bb.hubert_forward(m64, wav.double())["last_hidden_state"], golden)
    bb.set_encoder_eps(m64, encoder_eps)
    norms = [m for m in m64.feature_extractor.modules() if isinstance(m, (nn.LayerNorm, nn.GroupNorm))]
    for m in norms:
        m.eps = 1e-4
    checks["sensitivity_extractor_eps_1e-4"] = bb.rel_err(bb.hubert_forward(m64, wav.double())["last_hidden_state"], golden)
    for m in norms:
        m.eps = 1e-5
    gelu = F.gelu
    try:
        F.gelu = lambda x, approximate="none": gelu(x, approximate="tanh")
        checks["sensitivity_tanh_gelu"] = bb.rel_err(bb.hubert_forward(m64, wav.double())["last_hidden_state"], golden)
    finally:
        F.gelu = gelu
    T = bb.hubert_frames(wav.shape[1])
    assert golden.shape[1] == T
    case = {"hidden": cfg["hidden_size"], "layers": cfg["num_hidden_layers"], "heads": cfg["num_attention_heads"],
            "ffn": cfg["intermediate_size"], "conv_dim": cfg["conv_dim"][0],
            "conv_layers": [[c, k, s] for c, (k, s) in zip(cfg["conv_dim"], bb.CONV_SHAPES)],
            "pos_conv_kernel": cfg["num_conv_pos_embeddings"], "pos_conv_groups": cfg["num_conv_pos_embedding_groups"],
            "extractor": "layer" if large else "group", "layer_norm_first": large, "conv_bias": cfg["conv_bias"],
            "extractor_eps": 1e-5, "encoder_eps": encoder_eps, "encoder_layer_norms": n_ln,
            "samples": wav.shape[1], "frames": T, "batch": wav.shape[0], "input_seed": wav_seed,
            "weights": {k: weights_dir + f for k, f in (("torchaudio", "torchaudio.pt"), ("hf", "hf.bin"),
                                                          ("hf_param", "hf_param.safetensors"))},
            "reference": "torchaudio %s wav2vec2_model: feature_extractor(x, None) then encoder(features, None), "
                         "eval" % __import__("torchaudio").__version__,
            "computed_in": "float64",
            "outputs": {"features": "conv feature extractor output [B,T,conv_dim] (before the feature projection)",
                        "last_hidden_state": "[B,T,hidden]",
                        "layer_i": "raw output of transformer layer i [B,T,hidden]"
                                   + (" (before the final encoder LayerNorm)" if large else "")},
            "checks": checks}
    write_json(d / "case.json", case)
    return checks


def build_hubert():
    report = {}
    large = bb.hubert_cfg("large", 32, 2, 2, 64, 16, 16, 4)
    base = bb.hubert_cfg("base", 32, 2, 2, 64, 16, 16, 4)
    report["hubert_tiny_large"] = hubert_case(OUT / "hubert_tiny_large", large, 200, 2000, 1e-5, "", True)
    # the SAME weights and input as hubert_tiny_large, encoder LayerNorm eps 1e-4
    report["hubert_tiny_large_eps4"] = hubert_case(OUT / "hubert_tiny_large_eps4", large, 200, 2000, 1e-4,
                                                   "../hubert_tiny_large/", False)
    report["hubert_tiny_base"] = hubert_case(OUT / "hubert_tiny_base", base, 210, 2001, 1e-5, "", True)
    return report


def main():
    torch.manual_seed(0)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    report = build_vit()
    report.update(build_hubert())
    build_ops(OUT / "ops")
    for name, checks in report.items():
        print(name)
        for k, v in checks.items():
            flag = "" if not k.startswith("sensitivity") or v > 5 * TOL else "   <-- weak (< 5x tolerance)"
            print(f"    {k:34s} {v:.3e}{flag}")
    total = 0
    for p in sorted(OUT.rglob("*")):
        if p.is_file():
            total += p.stat().st_size
            print(f"{p.stat().st_size:9,d}  {p.relative_to(OUT)}")
    print(f"total {total:,d} bytes")
    assert total < 2_000_000, total


if __name__ == "__main__":
    main()
