#!/usr/bin/python3
"""Gradient goldens of one whole DenseAV training step for the Java trainer (module training,
TrainStepParityTest): both backbones + aligners + the MISA training score + InfoNCE, differentiated
by torch autograd in float64, for every parameter that gets a gradient, under its OFFICIAL
checkpoint key.

    /usr/bin/python3 test-fixtures/generate_train_step.py

The model is a committed tiny DenseAV fixture loaded into the independent reference
(denseav_fixtures/denseav_ref.py: torchvision ViT + torchaudio HuBERT + aligners) in float64; the
loss is loss_goldens.training_score (max over heads, max over w then h, mean over f, masked mean
over t) and loss_goldens.nce with sim_cal.w, the recipe of test-fixtures/probe_train_tuxpaint.py
(InfoNCE only, eval-mode backbones: no dropout, no time masks, no train-mode image pooling).

Writes test-fixtures/src/main/resources/fixtures/train_step/ (rebuilt from scratch; seeded, the
same bytes on every run):

  image.npy        [3,3,32,32] f32, ImageNet-normalised (the batch's images)
  audio.npy        [3,20480]   f32, tones + noise, zero-padded after the valid samples, then
                   Wav2Vec2-normalised over the padded clip
  audio_mask.npy   [3,20480]   u1 sample mask (1 = real sample; valid 20480, 13000, 6000)
  frame_mask.npy   [3,7]       f64 0/1: audio_mask_frames (bilinear to T_a, > 0.01), as FrameMask.of
  k1_nolora/       tiny_1head_nolora (K = 1, no LoRA, image_model.model.*)
  k2_lora/         tiny_2head_hf (K = 2, peft LoRA r 8 scale 4, image_model.base_model.model.model.*);
                   the reference merges W + s B A into the qkv weight, so the LoRA gradients are the
                   chain rule of the merged weight's: dL/dA = s B^T G, dL/dB = s G A^T, dL/dW = G
  each case:       loss.npy [1] f64, scores.npy [3,3] f64 (S), audio_feats.npy / image_feats.npy
                   (f32, for diagnosing a mismatch), grad/<official key>.npy (f32, computed in f64);
                   HuBERT's k_proj.bias gradients are analytically zero and listed in index.json
                   (zero_gradient) instead; keys without any gradient (masked_spec_embed,
                   image_aligner.cls_layer.*) are listed as no_gradient
  index.json       the cases, shapes, loss values, every gradient key with its shape and max|g|,
                   and checks (a float32 torch run's relative error per key; sensitivities)
"""

import collections
import shutil
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep test-fixtures/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from denseav_fixtures import backbones as bb  # noqa: E402
from denseav_fixtures import denseav_goldens as G  # noqa: E402
from denseav_fixtures import denseav_ref as ref  # noqa: E402
from denseav_fixtures import loss_goldens as L  # noqa: E402
from denseav_fixtures.hubert import hf_to_torchaudio_key  # noqa: E402
from denseav_fixtures.ops_goldens import dump_json  # noqa: E402
from denseav_fixtures.writers import tree_summary, write_text  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "src" / "main" / "resources" / "fixtures"
OUT = FIXTURES / "train_step"
B, SIZE, SAMPLES, VALID = 3, 32, 20480, (20480, 13000, 6000)
CASES = collections.OrderedDict([
    ("k1_nolora", dict(model="denseav/tiny_1head_nolora/model.ckpt",
                       what="tiny_1head_nolora: K=1, no LoRA")),
    ("k2_lora", dict(model="denseav/tiny_2head_hf/model.safetensors",
                     what="tiny_2head_hf: K=2, LoRA r=8 (scale 4) on every ViT qkv")),
])


# ---------------------------------------------------------------------------
# official checkpoint key -> reference parameter (the inverse of DenseAVRef.load_denseav, key by key)
# ---------------------------------------------------------------------------

def reference_key(model, key, image_prefix):
    """The DenseAVRef parameter an official key lands in, or ("lora_A"/"lora_B", merged qkv key),
    or None for keys the reference does not use (masked_spec_embed)."""
    if key.startswith(image_prefix):
        name = key[len(image_prefix):].replace(".qkv.base_layer.", ".qkv.")
        kind = None
        if ".lora_A." in name or ".lora_B." in name:
            kind = "lora_A" if ".lora_A." in name else "lora_B"
            name = name.split(".lora_")[0] + ".weight"
        tv = bb.dino_to_torchvision({name: None}, set(model.vit.state_dict()))
        return kind, "vit." + next(iter(tv))
    if key.startswith(ref.AUDIO_PREFIX):
        name = key[len(ref.AUDIO_PREFIX):]
        name = name.replace("parametrizations.weight.original0", "weight_g")
        name = name.replace("parametrizations.weight.original1", "weight_v")
        ta = hf_to_torchaudio_key(name)
        return None, (None if ta is None else "hubert." + ta)
    block = "audio_aligner.mod_list.4.block."
    if key.startswith(block):
        mapped, _ = ref.block_keys({key: None}, block, block)
        return None, next(iter(mapped))
    return None, key


def official_gradients(model, sd, image_prefix, lora_scale):
    """{official key: gradient} for every checkpoint key whose reference parameter has a gradient."""
    params = dict(model.named_parameters())
    out = collections.OrderedDict()
    for key in sorted(sd):
        kind, rk = reference_key(model, key, image_prefix)
        if rk is None:
            continue
        g = params[rk].grad
        if g is None:
            continue
        if kind is None:
            out[key] = g.detach().clone()
            continue
        base = key.split(".lora_")[0]
        A = sd[base + ".lora_A.default.weight"].to(g.dtype)
        Bm = sd[base + ".lora_B.default.weight"].to(g.dtype)
        out[key] = lora_scale * (Bm.t() @ g if kind == "lora_A" else g @ A.t())
    return out


# ---------------------------------------------------------------------------
# one training step
# ---------------------------------------------------------------------------

def step(arch, sd, image, wav, mask, dtype, frame_mask=None):
    """Forward (eval-mode backbones, no image pooling), S, InfoNCE, backward; returns the model
    (with .grad) and the intermediate values."""
    m = ref.DenseAVRef(arch, sd, dtype)
    m.zero_grad(set_to_none=True)
    v = m.forward_image(image.to(dtype), pool=False)["feats"]
    x = m.forward_audio(wav.to(dtype))["feats"]
    fm = ref.audio_mask_frames(mask, x.shape[-1]).to(dtype) if frame_mask is None else frame_mask.to(dtype)
    S = L.training_score(x, v, fm, arch["heads"])
    loss = L.nce(S, m.sim_cal.w)
    loss.backward()
    return m, dict(loss=loss.detach(), scores=S.detach(), audio_feats=x.detach(), image_feats=v.detach(),
                   frame_mask=fm.detach())


def save(path, t, dtype):
    path.parent.mkdir(parents=True, exist_ok=True)
    a = t.detach().cpu().contiguous().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    np.save(str(path), a.astype(dtype, copy=False))


def rel(a, b):
    return bb.rel_err(a, b)


def build_case(name, spec, image, wav, mask):
    sd, hp = G.load_layout(FIXTURES / spec["model"])
    arch = ref.arch_from_hparams(hp)
    prefix = next(p for p in ref.IMAGE_PREFIXES if any(k.startswith(p) for k in sd))
    lora = any(".lora_A." in k for k in sd)
    scale = arch["lora_scale"]
    m64, out = step(arch, sd, image, wav, mask, torch.float64)
    grads = official_gradients(m64, sd, prefix, scale)
    no_grad = sorted(k for k in sd if k not in grads)
    # analytically zero (HuBERT's k_proj.bias: a constant added to every key leaves the softmax as it
    # is): float64 leaves ~1e-18 of rounding, which no float32 run can match relatively; the Java test
    # holds them against the gradient of the layer's weight instead
    top = max(float(g.abs().max()) for g in grads.values())
    zero = collections.OrderedDict((k, k[:-len("bias")] + "weight") for k, g in grads.items()
                                   if float(g.abs().max()) < 1e-12 * top)
    assert all(k.endswith(".k_proj.bias") and v in grads for k, v in zero.items()), zero
    zero_max = {k: float(grads.pop(k).abs().max()) for k in zero}

    # float32 torch run of the same step: how far float32 arithmetic alone moves each gradient
    m32, out32 = step(arch, sd, image, wav, mask, torch.float32)
    g32 = official_gradients(m32, sd, prefix, scale)
    checks = collections.OrderedDict()
    checks["torch_fp32_vs_golden/loss"] = rel(out32["loss"], out["loss"])
    checks["torch_fp32_vs_golden/scores"] = rel(out32["scores"], out["scores"])
    fp32 = {k: rel(g32[k], g) for k, g in grads.items()}
    checks["torch_fp32_vs_golden/worst_gradient"] = max(fp32.values())
    checks["torch_fp32_vs_golden/worst_gradient_key"] = max(fp32, key=fp32.get)
    # the goldens must tell a plausible mistake apart: an unmasked time mean
    m_un, _ = step(arch, sd, image, wav, mask, torch.float64, frame_mask=torch.ones_like(out["frame_mask"]))
    g_un = official_gradients(m_un, sd, prefix, scale)
    checks["sensitivity_unmasked_time_mean/worst_gradient"] = min(rel(g_un[k], g) for k, g in grads.items())
    assert checks["sensitivity_unmasked_time_mean/worst_gradient"] > 1e-3, checks

    d = OUT / name
    save(d / "loss.npy", out["loss"].reshape(1), "<f8")
    save(d / "scores.npy", out["scores"], "<f8")
    save(d / "audio_feats.npy", out["audio_feats"], "<f4")
    save(d / "image_feats.npy", out["image_feats"], "<f4")
    for k, g in grads.items():
        assert torch.isfinite(g).all() and g.abs().max() > 0, k
        save(d / "grad" / f"{k}.npy", g, "<f4")
    case = collections.OrderedDict(
        name=name, what=spec["what"], model=spec["model"], heads=arch["heads"], code_dim=arch["code_dim"],
        image_prefix=prefix, lora=lora, lora_scale=scale if lora else None,
        loss=float(out["loss"]), w_log=float(sd["sim_cal.w"][0]),
        aligned_frames=int(out["audio_feats"].shape[-1]), feat_grid=list(out["image_feats"].shape[-2:]),
        gradients={k: dict(shape=list(g.shape), max_abs=float(g.abs().max()), torch_fp32_rel_err=fp32[k])
                   for k, g in grads.items()},
        zero_gradient={k: dict(scale_key=v, max_abs=zero_max[k]) for k, v in zero.items()},
        no_gradient=no_grad, checks=checks)
    print(f"{name}: loss {float(out['loss']):.10f}, {len(grads)} gradients, analytically zero: {list(zero)}, "
          f"no gradient: {no_grad}")
    print(f"    torch fp32 vs f64: worst gradient {checks['torch_fp32_vs_golden/worst_gradient']:.2e} "
          f"({checks['torch_fp32_vs_golden/worst_gradient_key']}); "
          f"unmasked-mean sensitivity (smallest) {checks['sensitivity_unmasked_time_mean/worst_gradient']:.2e}")
    return case, out["frame_mask"]


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    image = G.images(800, B, SIZE, SIZE)
    wav, mask = G.audio(801, SAMPLES, VALID)
    save(OUT / "image.npy", image, "<f4")
    save(OUT / "audio.npy", wav, "<f4")
    save(OUT / "audio_mask.npy", mask, "|u1")
    cases, frame_mask = [], None
    for name, spec in CASES.items():
        case, fm = build_case(name, spec, image, wav, mask)
        assert frame_mask is None or torch.equal(fm, frame_mask)
        frame_mask = fm
        cases.append(case)
    lengths = [int(x) for x in frame_mask.sum(1).tolist()]
    assert len(set(lengths)) == B, lengths        # every clip has its own valid length
    save(OUT / "frame_mask.npy", frame_mask, "<f8")
    index = collections.OrderedDict(
        what="gradients of one training step (InfoNCE on the MISA training score) w.r.t. every parameter, "
             "under the official checkpoint keys",
        batch=B, image_size=SIZE, samples=SAMPLES, valid_samples=list(VALID), valid_frames=lengths,
        inputs={"image.npy": "[B,3,S,S] f32 normalised images", "audio.npy": "[B,L] f32 normalised clips",
                "audio_mask.npy": "[B,L] u1 sample mask", "frame_mask.npy": "[B,T_a] f64 0/1 (FrameMask.of)"},
        outputs={"loss.npy": "[1] f64 InfoNCE", "scores.npy": "[B,B] f64 S (audio rows, image columns)",
                 "audio_feats.npy": "[B,code,1,T_a] f32", "image_feats.npy": "[B,code,h,w] f32",
                 "grad/KEY.npy": "f32 gradient of the loss w.r.t. the parameter of official key KEY"},
        recipe="eval-mode backbones (no dropout, no LayerDrop, no time masks), no train-mode image pooling, "
               "loss = loss_goldens.nce(loss_goldens.training_score(audio, image, frame_mask, K), sim_cal.w)",
        cases=cases,
        reference="test-fixtures/denseav_fixtures/denseav_ref.py + loss_goldens.py, float64 torch autograd; "
                  "gradients stored as float32")
    write_text(OUT / "index.json", dump_json(index))
    total, files, digest = tree_summary(OUT)
    print(f"valid frames {lengths}; total {total:,d} bytes in {files} files; sha256 of the tree {digest}")
    assert total < 1_000_000, total


if __name__ == "__main__":
    main()
