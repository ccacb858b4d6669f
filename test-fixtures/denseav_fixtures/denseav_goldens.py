"""DenseAV goldens (fixtures/denseav/): seeded DenseAV state dicts in the released layouts, the
inputs of each case, and the outputs of the reference in denseav_ref.py (float64, stored as
float32 .npy).  Used by ../generate_denseav.py (tiny) and ../make_fullsize_denseav.py."""

import collections
import json

import numpy as np
import torch

from . import backbones as bb
from . import denseav_ref as ref
from .denseav import denseav_hparams, denseav_shapes
from .dino import DinoViT
from .expected import to_plain
from .hubert import HFHubertModel
from .lightning import AttributeDict, lightning_dict
from .ops_goldens import dump_json
from .tiny import TINY_DENSEAV, TINY_DENSEAV_AUDIO_CFG
from .writers import read_safetensors, torch_save_zip, write_safetensors, write_text

LORA_B = 0.03            # std of lora_B: 4*B@A is ~1/3 of the qkv weight, so LoRA clearly matters
FINAL_NORM = (0.05, 0.005)   # small final backbone norms: the aligner ChannelNorm input has variance ~3e-3
IMAGENET = (np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225]))
SR = 16000

T = TINY_DENSEAV
TINY_IMAGE = dict(embed_dim=T["image_dim"], depth=T["image_depth"], heads=T["image_heads"], patch=T["patch"],
                  img_size=T["img"], pos_grid=T["img"] // T["patch"], mlp_ratio=4, eps=ref.VIT_EPS)
# the HubertConfig as DenseAV instantiates it (layer_norm_eps already overridden to 1e-4)
TINY_AUDIO = dict(TINY_DENSEAV_AUDIO_CFG, layer_norm_eps=ref.HUBERT_EPS)
TINY_ALIGNER = dict(num_heads=T["code_heads"], mlp_ratio=4, eps=ref.ALIGNER_EPS)


def hparams(heads, lora, tiny=True):
    """hyper_parameters (Lightning AttributeDict content / HF config.json) of a DenseAV model."""
    hp = denseav_hparams("denseav_2head" if lora else "denseav_sound")
    hp.update(sim_agg_heads=heads, image_lora=lora, image_lora_rank=8, image_lora_alpha=32,
              image_model_token_type="token", image_pool_width=2, audio_pool_width=1, audio_lora=False,
              audio_lora_rank=8, finetune_image_model=False, finetune_audio_model=True, mask_silence=True,
              nonneg_sim=False, cal_init=1.0, loss_type="nce", use_cached_embs=False)
    if tiny:
        hp.update(code_dim=T["code_dim"], tiny_image=dict(TINY_IMAGE), tiny_audio=dict(TINY_AUDIO),
                  tiny_aligner=dict(TINY_ALIGNER))
    return hp


def shapes_for(arch, lora):
    im = arch["image"]
    return denseav_shapes(im["embed_dim"], im["depth"], im["patch"], im["patch"] * im["pos_grid"],
                          8 if lora else None, arch["audio"], arch["code_dim"])


# ---------------------------------------------------------------------------
# seeded weights (backbones.fill_state with DenseAV-specific scales)
# ---------------------------------------------------------------------------

HUBERT_RULE = bb._hubert_rule(True, 7)
ALIGNER_RULES = {
    "audio_cls": ("normal", 1.0), "sim_cal.w": ("normal", 0.1),
    "image_aligner.norm.norm.weight": ("one", 0.1), "image_aligner.norm.norm.bias": ("normal", 0.1),
    "image_aligner.layer.weight": ("fan", 1.0), "image_aligner.layer.bias": ("normal", 0.1),
    "image_aligner.cls_layer.weight": ("fan", 1.0), "image_aligner.cls_layer.bias": ("normal", 0.1),
    "audio_aligner.mod_list.1.norm.weight": ("one", 0.1), "audio_aligner.mod_list.1.norm.bias": ("normal", 0.1),
    "audio_aligner.mod_list.2.layer.weight": ("fan", 1.0), "audio_aligner.mod_list.2.layer.bias": ("normal", 0.1),
    # the Block's input (conv 3 output, CLS) is a small residual stream, as in the backbones
    "audio_aligner.mod_list.2.cls_layer.weight": ("fan", bb.RESID),
    "audio_aligner.mod_list.2.cls_layer.bias": ("normal", 0.3 * bb.RESID),
    "audio_aligner.mod_list.3.layer.weight": ("fan", bb.RESID),
    "audio_aligner.mod_list.3.layer.bias": ("normal", 0.3 * bb.RESID),
}


def _final_norm(leaf):
    return ("shift", FINAL_NORM) if leaf == "weight" else ("normal", FINAL_NORM[1])


def denseav_rule(name, shape):
    leaf = name.rsplit(".", 1)[-1]
    for p in ref.IMAGE_PREFIXES:
        if name.startswith(p):
            n = name[len(p):]
            if ".lora_A." in n:
                return "fan", 1.0
            if ".lora_B." in n:
                return "normal", LORA_B
            return _final_norm(leaf) if n.startswith("norm.") else bb._vit_rule(n, shape)
    if name.startswith(ref.AUDIO_PREFIX):
        n = name[len(ref.AUDIO_PREFIX):]
        return _final_norm(leaf) if n.startswith("encoder.layer_norm.") else HUBERT_RULE(n, shape)
    if name.startswith("audio_aligner.mod_list.4.block."):
        return bb._vit_rule(name[len("audio_aligner.mod_list.4"):], shape)
    return ALIGNER_RULES[name]


def denseav_state(arch, lora, seed):
    return bb.fill_state(shapes_for(arch, lora), seed, denseav_rule)


def base_layer_names(sd):
    """peft >= 0.7 names: image qkv.weight/bias -> qkv.base_layer.weight/bias (image model only)."""
    out = collections.OrderedDict()
    for k, v in sd.items():
        if k.startswith(ref.IMAGE_PREFIXES) and ".attn.qkv." in k and ".lora_" not in k:
            k = k.replace(".attn.qkv.", ".attn.qkv.base_layer.")
        out[k] = v
    return out


def write_ckpt(path, sd, hp, seed):
    """Lightning 1.9.4-style dict (state_dict, hyper_parameters as AttributeDict, loops, ...)."""
    torch_save_zip(lightning_dict(sd, AttributeDict(hp), np.random.RandomState(seed)), path)


def write_hf(d, sd, hp):
    """PyTorchModelHubMixin layout: model.safetensors (the state_dict keys at top level) + config.json."""
    write_safetensors(d / "model.safetensors", sd, {"format": "pt"})
    write_text(d / "config.json", json.dumps(to_plain(hp), indent=2) + "\n")


def load_layout(path):
    """(state_dict, hparams) of one written layout (our own files only; never bad/)."""
    if path.suffix == ".safetensors":
        sd, _ = read_safetensors(path)
        return sd, json.loads((path.parent / "config.json").read_text())
    ck = torch.load(str(path), map_location="cpu")
    return ck["state_dict"], dict(ck["hyper_parameters"])


# ---------------------------------------------------------------------------
# inputs
# ---------------------------------------------------------------------------

def images(seed, B, H, W):
    """Smooth RGB pattern + noise in [0,1], ImageNet-normalised, float32 [B,3,H,W]."""
    rs = np.random.RandomState(seed)
    y, x = np.mgrid[0:H, 0:W] / max(H, W)
    rgb = np.stack([[0.5 + 0.3 * np.sin(2 * np.pi * (f[0] * x + f[1] * y) + ph) for f, ph in
                     zip(rs.uniform(0.5, 2.5, (3, 2)), rs.uniform(0, 6.3, 3))] for _ in range(B)])
    rgb = np.clip(rgb + 0.15 * rs.standard_normal(rgb.shape), 0, 1)
    norm = (rgb - IMAGENET[0][None, :, None, None]) / IMAGENET[1][None, :, None, None]
    return torch.from_numpy(norm.astype(np.float32))


def wav2vec2_normalise(x):
    """Wav2Vec2 processor do_normalize over the whole (padded) clip: (x - mean) / sqrt(var + 1e-7)."""
    return (x - x.mean()) / np.sqrt(x.var() + 1e-7)


def audio(seed, L, valid):
    """B = len(valid) clips of L samples: tones + noise for valid[b] samples, zero padding after,
    then normalised over the padded clip.  Returns (audio [B,L] f32, sample mask [B,L] f32)."""
    rs = np.random.RandomState(seed)
    t = np.arange(L) / SR
    rows, masks = [], []
    for n in valid:
        f0 = rs.uniform(150, 600)
        env = 0.5 + 0.5 * np.sin(2 * np.pi * rs.uniform(1, 4) * t)
        x = env * (0.5 * np.sin(2 * np.pi * f0 * t) + 0.2 * np.sin(2 * np.pi * 2.7 * f0 * t)) \
            + 0.1 * rs.standard_normal(L)
        x[n:] = 0.0
        rows.append(wav2vec2_normalise(x) if n > 0 else x)
        masks.append((np.arange(L) < n).astype(np.float32))
    return (torch.from_numpy(np.stack(rows).astype(np.float32)), torch.from_numpy(np.stack(masks)))


# ---------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------

OUTPUT_DOC = {
    "image.npy": "[B,3,H,W] input, already ImageNet-normalised",
    "audio.npy": "[B,L] input, already Wav2Vec2-normalised over the padded clip",
    "audio_mask.npy": "[B,L] sample validity mask (1 = real sample)",
    "image_backbone.npy": "[B,D,h,w] DINO patch tokens after the final norm (LoRA merged)",
    "audio_backbone.npy": "[B,Ca,1,T_h] HuBERT last_hidden_state, permuted",
    "image_feats.npy": "[B,code,h',w'] image aligner output (train: AvgPool2d(2) applied)",
    "audio_feats.npy": "[B,code,1,T_a] audio aligner output",
    "mask_ta.npy": "[B,T_a] 0/1 (float) interpolated audio mask",
    "paired_volume.npy": "[B,K,h',w',1,T_a] sum_c A*V per head, times mask_ta",
    "scores_per_head.npy": "[A,V,K] MISA per head, all pairs (retrieval score = sum over K)",
    "scores_max_elementwise.npy": "[A,V] max over heads elementwise, then MISA (the loss score)",
    "scores_sum.npy": "[A,V] per-head MISA summed over heads",
    "scores_max.npy": "[A,V] per-head MISA, max over heads",
    "heatmap.npy": "[B,h',w'] max over heads, mean over f, masked time mean (raw, no min-max)",
}


def save_npy(path, t):
    return bb.save_npy(path, t.to(torch.float64) if t.dtype == torch.bool else t)


def sensitivities(arch, sd, image, wav, mask, pool, gold):
    """How far plausible mistakes move the goldens (max|d|/max|ref|); each must be >> 1e-4."""
    def run(model, **kw):
        return ref.run_pipeline(model, image.double(), wav.double(), kw.get("mask", mask), pool)

    def err(out, key):
        return bb.rel_err(out[key], gold[key])
    checks = {}
    if arch["lora_scale"] and any(".lora_B." in k for k in sd):
        for name, s in (("no_lora", 0.0), ("lora_scale_1", 1.0)):
            checks[f"sensitivity_{name}/image_feats"] = err(run(ref.DenseAVRef(arch, sd, torch.float64, s)),
                                                            "image_feats")
    m = ref.DenseAVRef(arch, sd, torch.float64)
    lns = lambda mod: [x for x in mod.modules() if isinstance(x, torch.nn.LayerNorm)]  # noqa: E731
    for name, mods, e, keys in (("aligner_eps_1e-5", lns(m.image_aligner) + lns(m.audio_aligner), 1e-5,
                                 ("image_feats", "audio_feats")),
                                ("vit_eps_1e-6", lns(m.vit), 1e-6, ("image_feats",)),
                                ("hubert_encoder_eps_1e-5", lns(m.hubert.encoder), 1e-5, ("audio_feats",))):
        old = [x.eps for x in mods]
        for x in mods:
            x.eps = e
        out = run(m)
        for k in keys:
            checks[f"sensitivity_{name}/{k}"] = err(out, k)
        for x, o in zip(mods, old):
            x.eps = o
    m.audio_aligner.mod_list[4].use_cls = False
    checks["sensitivity_no_audio_cls_token/audio_feats"] = err(run(m), "audio_feats")
    m.audio_aligner.mod_list[4].use_cls = True
    checks["sensitivity_unmasked_time_mean/scores_per_head"] = err(run(m, mask=torch.ones_like(mask)),
                                                                    "scores_per_head")
    K, C = arch["heads"], arch["code_dim"]
    if K > 1:   # heads as interleaved channels (c = j*K + k) instead of contiguous blocks
        perm = torch.arange(C).reshape(C // K, K).t().reshape(-1)
        P = ref.paired_volume(gold["audio_feats"][:, perm], gold["image_feats"][:, perm],
                              gold["mask_ta"], K)
        checks["sensitivity_interleaved_heads/paired_volume"] = bb.rel_err(P, gold["paired_volume"])
    return checks


def layout_crosschecks(arch, sd, image, wav, gold):
    """The same checkpoint through the DenseAV-layout modules of this package (dino.DinoViT with
    peft LoraLinear, hubert.HFHubertModel: the official code paths) against the backbone goldens."""
    im, checks = arch["image"], {}
    lora = any(".lora_A." in k for k in sd)
    vit = DinoViT(im["embed_dim"], im["depth"], im["heads"], im["patch"], im["patch"] * im["pos_grid"],
                  8 if lora else None)
    pre = ref.IMAGE_PREFIXES[0 if lora else 1]
    vit.load_state_dict({k[len(pre):].replace(".base_layer.", "."): v for k, v in sd.items() if k.startswith(pre)})
    for mod in vit.modules():
        if isinstance(mod, torch.nn.LayerNorm):
            mod.eps = ref.VIT_EPS
        if hasattr(mod, "scaling"):
            mod.scaling = arch["lora_scale"]        # peft: lora_alpha / r
    hub = HFHubertModel(dict(arch["audio"], layer_norm_eps=ref.HUBERT_EPS))    # DenseAV's config override
    hub.load_state_dict({k[len(ref.AUDIO_PREFIX):]: v for k, v in sd.items() if k.startswith(ref.AUDIO_PREFIX)})
    with torch.no_grad():
        tok = vit.double().eval()(image.double())
        B, _, H, W = image.shape
        patch = tok[:, 1:].reshape(B, H // im["patch"], W // im["patch"], -1).permute(0, 3, 1, 2)
        checks["dino_layout_module_vs_golden/image_backbone"] = bb.rel_err(patch, gold["image_backbone"])
        hid = hub.double().eval()(wav.double()).transpose(1, 2).unsqueeze(2)
        checks["hf_layout_module_vs_golden/audio_backbone"] = bb.rel_err(hid, gold["audio_backbone"])
    assert max(checks.values()) < 1e-9, checks
    return checks


def build_case(d, arch, sd, image, wav, mask, pool, meta, with_sensitivity=False, crosscheck=True, tol=1e-5,
               log=lambda what: None):
    """Compute (float64), check (float32 torch run), and write one case directory."""
    d.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        m64 = ref.DenseAVRef(arch, sd, torch.float64)
        gold = ref.run_pipeline(m64, image.double(), wav.double(), mask, pool)
        del m64
        log("float64 reference (golden)")
        out32 = ref.run_pipeline(ref.DenseAVRef(arch, sd, torch.float32), image, wav, mask, pool)
        log("float32 reference")
    checks = collections.OrderedDict()
    assert torch.equal(out32["mask_ta"], gold["mask_ta"])
    for k, v in gold.items():
        if k != "mask_ta":
            checks[f"torch_fp32_vs_golden/{k}"] = bb.rel_err(out32[k], v)
    assert max(checks.values()) < tol, checks
    for k, v in gold.items():
        assert torch.isfinite(v.double()).all(), k
    if crosscheck:
        checks.update(layout_crosschecks(arch, sd, image, wav, gold))
        log("layout-module cross-checks")
    if with_sensitivity:
        checks.update(sensitivities(arch, sd, image, wav, mask, pool, gold))
    for name, t in [("image", image), ("audio", wav), ("audio_mask", mask)] + list(gold.items()):
        save_npy(d / f"{name}.npy", t)
    B, _, H, W = image.shape
    K = arch["heads"]
    t_h, t_a = gold["audio_backbone"].shape[-1], gold["audio_feats"].shape[-1]
    hf, wf = gold["image_feats"].shape[-2:]
    arrays = dict(image=image, audio=wav, audio_mask=mask, **gold)
    case = collections.OrderedDict(meta)
    case.update(mode="train" if pool else "eval", image_pool=2 if pool else 1,
                batch=B, height=H, width=W, samples=wav.shape[1],
                valid_samples=[int(x) for x in mask.sum(1).tolist()],
                code_dim=arch["code_dim"], heads=K, aligner_heads=arch["aligner"]["num_heads"],
                lora_scale=arch["lora_scale"] if any(".lora_A." in k for k in sd) else None,
                image_grid=[H // arch["image"]["patch"], W // arch["image"]["patch"]],
                feat_grid=[hf, wf], hubert_frames=t_h, aligned_frames=t_a,
                mask_ta=[[int(x) for x in r] for r in gold["mask_ta"].tolist()],
                computed_in="float64 (weights and inputs are float32)",
                outputs={f: [list(arrays[f[:-4]].shape), doc] for f, doc in OUTPUT_DOC.items()},
                checks=checks)
    assert t_a == ref.aligned_frames(t_h) and t_h == bb.hubert_frames(wav.shape[1])
    write_text(d / "case.json", dump_json(case))
    return gold, checks
