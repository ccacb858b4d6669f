#!/usr/bin/python3
"""DenseAV model goldens for the Java port: tiny seeded DenseAV checkpoints in the released
layouts, with the outputs of the independent PyTorch reference (denseav_fixtures/denseav_ref.py,
written from shared/spec/denseav-reference.md sections 1-3 and 6).

    /usr/bin/python3 test-fixtures/generate_denseav.py

Writes test-fixtures/src/main/resources/fixtures/denseav/ (rebuilt from scratch; seeded, the same
bytes on every run):

  tiny_2head/model.ckpt               Lightning 1.9.4 dict, peft 0.5 LoRA names (qkv.weight)
  tiny_2head_base_layer/model.ckpt    the same, peft >= 0.7 names (qkv.base_layer.weight/bias)
  tiny_2head_hf/                      model.safetensors + config.json (PyTorchModelHubMixin)
  tiny_1head_nolora/model.ckpt        K=1, no LoRA, image_model.model.* (like the "sound" release)
  tiny_2head/case_eval, case_train, case_silent; tiny_1head_nolora/case_eval; index.json

Goldens are computed in float64 and stored as float32; a float32 torch run of the same reference
must agree within 1e-5 (max|d|/max|ref|), which the script asserts.  See README.md.
"""

import hashlib
import shutil
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep test-fixtures/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402

from denseav_fixtures import denseav_goldens as G  # noqa: E402
from denseav_fixtures import denseav_ref as ref  # noqa: E402
from denseav_fixtures.ops_goldens import dump_json  # noqa: E402
from denseav_fixtures.writers import write_text  # noqa: E402

OUT = Path(__file__).resolve().parent / "src" / "main" / "resources" / "fixtures" / "denseav"
SAMPLES, VALID = 16_000, (16_000, 9_000)
LAYOUTS_2HEAD = ["tiny_2head/model.ckpt", "tiny_2head_base_layer/model.ckpt", "tiny_2head_hf/model.safetensors"]


def check_layouts(paths, arch, sd):
    """Every written layout loads back (our own files) into the very same reference weights."""
    want = ref.DenseAVRef(arch, sd, torch.float64).state_dict()
    for p in paths:
        got_sd, hp = G.load_layout(OUT / p)
        assert ref.arch_from_hparams(hp) == arch, p
        m = ref.DenseAVRef(arch, got_sd, torch.float64)
        assert all(torch.equal(v, want[k]) for k, v in m.state_dict().items()), p
        print(f"  {p}: {len(got_sd)} tensors, loads into the reference (unused: {m.unused_keys})")


def main():
    torch.manual_seed(0)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)

    hp2, hp1 = G.hparams(2, True), G.hparams(1, False)
    arch2, arch1 = ref.arch_from_hparams(hp2), ref.arch_from_hparams(hp1)
    sd2, sd1 = G.denseav_state(arch2, True, 500), G.denseav_state(arch1, False, 510)
    G.write_ckpt(OUT / "tiny_2head" / "model.ckpt", sd2, hp2, 501)
    G.write_ckpt(OUT / "tiny_2head_base_layer" / "model.ckpt", G.base_layer_names(sd2), hp2, 501)
    G.write_hf(OUT / "tiny_2head_hf", sd2, hp2)
    G.write_ckpt(OUT / "tiny_1head_nolora" / "model.ckpt", sd1, hp1, 511)
    print("layouts")
    check_layouts(LAYOUTS_2HEAD, arch2, sd2)
    check_layouts(["tiny_1head_nolora/model.ckpt"], arch1, sd1)

    img_ns, img_sq = G.images(600, 2, 40, 24), G.images(601, 2, 32, 32)
    wav, mask = G.audio(700, SAMPLES, VALID)
    silent = torch.stack([torch.zeros(SAMPLES), wav[0]])       # silent clip normalises to 0/sqrt(0+1e-7) = 0
    w2 = {"weights": ["../model.ckpt", "../../tiny_2head_base_layer/model.ckpt",
                      "../../tiny_2head_hf/model.safetensors"]}
    w1 = {"weights": ["../model.ckpt"]}
    cases = [
        ("tiny_2head/case_eval", arch2, sd2, img_ns, wav, mask, False, True,
         dict(w2, what="eval mode, 40x24 images (pos_embed interpolated), clip 1 zero-padded after 9000 samples")),
        ("tiny_2head/case_train", arch2, sd2, img_ns, wav, mask, True, False,
         dict(w2, what="train-mode image pooling (AvgPool2d(2), floor: 5x3 -> 2x1) on the case_eval inputs; "
                       "LoRA/HuBERT dropout NOT simulated (deterministic)")),
        ("tiny_2head/case_silent", arch2, sd2, img_sq, silent, torch.ones_like(mask), False, False,
         dict(w2, what="audio row 0 all zeros with a full mask (a normalised silent clip), row 1 = case_eval clip 0; "
                       "32x32 images (pos_embed as stored)")),
        ("tiny_1head_nolora/case_eval", arch1, sd1, img_sq, wav, mask, False, True,
         dict(w1, what="K=1, no LoRA, eval mode, 32x32 images, case_eval audio")),
    ]
    report = {}
    for name, arch, sd, image, w, m, pool, sens, meta in cases:
        _, checks = G.build_case(OUT / name, arch, sd, image, w, m, pool,
                                 dict(model=name.split("/")[0], **meta), with_sensitivity=sens)
        report[name] = checks

    index = {"models": {
        "tiny_2head": {"layouts": LAYOUTS_2HEAD + ["tiny_2head_hf/config.json"], "hyper_parameters": hp2,
                       "image_prefix": ref.IMAGE_PREFIXES[0], "lora": True},
        "tiny_1head_nolora": {"layouts": ["tiny_1head_nolora/model.ckpt"], "hyper_parameters": hp1,
                              "image_prefix": ref.IMAGE_PREFIXES[1], "lora": False}},
        "cases": [c[0] for c in cases],
        "reference": "test-fixtures/denseav_fixtures/denseav_ref.py (torchvision ViT + torchaudio HuBERT + "
                     "aligners/similarity from the spec); float64, stored as float32"}
    write_text(OUT / "index.json", dump_json(index))

    for name, checks in report.items():
        print(name)
        fp32 = {k: v for k, v in checks.items() if k.startswith("torch_fp32")}
        print(f"    torch_fp32_vs_golden (worst of {len(fp32)})   {max(fp32.values()):.3e}")
        for k, v in checks.items():
            if k.startswith("sensitivity"):
                print(f"    {k:56s} {v:.3e}{'   <-- weak' if v < 5e-4 else ''}")
    total, digest = 0, hashlib.sha256()
    for p in sorted(OUT.rglob("*")):
        if p.is_file():
            total += p.stat().st_size
            digest.update(str(p.relative_to(OUT)).encode() + p.read_bytes())
            print(f"{p.stat().st_size:9,d}  {p.relative_to(OUT)}")
    print(f"total {total:,d} bytes; sha256 of the tree {digest.hexdigest()[:16]}")
    assert total < 2_000_000, total


if __name__ == "__main__":
    main()
