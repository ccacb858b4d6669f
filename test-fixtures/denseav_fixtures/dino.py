"""facebookresearch/dino vision_transformer.py layout: tiny real torch modules
(DinoViT and its parts, with an optional peft LoRA on attn.qkv) and the matching
key/shape tables for full-size and tiny models."""

import collections
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class DinoPatchEmbed(nn.Module):
    def __init__(self, patch, dim):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, kernel_size=patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class LoraLinear(nn.Linear):
    """peft (<=0.6) lora.Linear: the base Linear keeps `weight`/`bias`, plus
    lora_A.default.weight [r, in] and lora_B.default.weight [out, r]."""

    def __init__(self, in_f, out_f, r, alpha=None):
        super().__init__(in_f, out_f)
        self.lora_dropout = nn.ModuleDict({"default": nn.Identity()})
        self.lora_A = nn.ModuleDict({"default": nn.Linear(in_f, r, bias=False)})
        self.lora_B = nn.ModuleDict({"default": nn.Linear(r, out_f, bias=False)})
        self.scaling = (alpha if alpha is not None else r) / r

    def forward(self, x):
        return (super().forward(x)
                + self.lora_B["default"](self.lora_A["default"](self.lora_dropout["default"](x)))
                * self.scaling)


class DinoAttention(nn.Module):
    def __init__(self, dim, heads, lora_rank=None):
        super().__init__()
        self.num_heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = LoraLinear(dim, dim * 3, lora_rank) if lora_rank else nn.Linear(dim, dim * 3)
        self.attn_drop = nn.Dropout(0.0)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(0.0)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj(x)


class DinoMlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class DinoBlock(nn.Module):
    def __init__(self, dim, heads, mlp_ratio=4, lora_rank=None):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = DinoAttention(dim, heads, lora_rank)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = DinoMlp(dim, dim * mlp_ratio)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class DinoViT(nn.Module):
    """dino VisionTransformer(num_classes=0): keys cls_token, pos_embed, patch_embed.*,
    blocks.N.*, norm.* (forward written after dino's code; not cross-checked)."""

    def __init__(self, dim, depth, heads, patch, img, lora_rank=None):
        super().__init__()
        self.patch_size = patch
        self.patch_embed = DinoPatchEmbed(patch, dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, (img // patch) ** 2 + 1, dim))
        self.blocks = nn.ModuleList([DinoBlock(dim, heads, 4, lora_rank) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)

    def interpolate_pos_encoding(self, x, w, h):
        npatch = x.shape[1] - 1
        N = self.pos_embed.shape[1] - 1
        if npatch == N and w == h:
            return self.pos_embed
        class_pos = self.pos_embed[:, 0]
        patch_pos = self.pos_embed[:, 1:]
        dim = x.shape[-1]
        w0 = w // self.patch_size + 0.1
        h0 = h // self.patch_size + 0.1
        s = int(math.sqrt(N))
        patch_pos = F.interpolate(patch_pos.reshape(1, s, s, dim).permute(0, 3, 1, 2),
                                  scale_factor=(w0 / s, h0 / s), mode="bicubic")
        patch_pos = patch_pos.permute(0, 2, 3, 1).view(1, -1, dim)
        return torch.cat((class_pos.unsqueeze(0), patch_pos), dim=1)

    def forward(self, x):
        B, _, w, h = x.shape
        x = self.patch_embed(x)
        x = torch.cat((self.cls_token.expand(B, -1, -1), x), dim=1)
        x = x + self.interpolate_pos_encoding(x, w, h)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)


# ---------------------------------------------------------------------------
# Shape tables (full-size families; the tiny modules are checked against them)
# ---------------------------------------------------------------------------

def vit_block_shapes(prefix, D, lora_rank=None):
    """Keys of one DinoBlock (mlp_ratio 4), with the peft LoRA keys after attn.qkv.bias."""
    s = collections.OrderedDict()
    s[prefix + "norm1.weight"] = [D]
    s[prefix + "norm1.bias"] = [D]
    s[prefix + "attn.qkv.weight"] = [3 * D, D]
    s[prefix + "attn.qkv.bias"] = [3 * D]
    if lora_rank:
        s[prefix + "attn.qkv.lora_A.default.weight"] = [lora_rank, D]
        s[prefix + "attn.qkv.lora_B.default.weight"] = [3 * D, lora_rank]
    s[prefix + "attn.proj.weight"] = [D, D]
    s[prefix + "attn.proj.bias"] = [D]
    s[prefix + "norm2.weight"] = [D]
    s[prefix + "norm2.bias"] = [D]
    s[prefix + "mlp.fc1.weight"] = [4 * D, D]
    s[prefix + "mlp.fc1.bias"] = [4 * D]
    s[prefix + "mlp.fc2.weight"] = [D, 4 * D]
    s[prefix + "mlp.fc2.bias"] = [D]
    return s


def dino_shapes(D, depth, patch, img, prefix="", lora_rank=None):
    s = collections.OrderedDict()
    s[prefix + "cls_token"] = [1, 1, D]
    s[prefix + "pos_embed"] = [1, (img // patch) ** 2 + 1, D]
    s[prefix + "patch_embed.proj.weight"] = [D, 3, patch, patch]
    s[prefix + "patch_embed.proj.bias"] = [D]
    for i in range(depth):
        s.update(vit_block_shapes(f"{prefix}blocks.{i}.", D, lora_rank))
    s[prefix + "norm.weight"] = [D]
    s[prefix + "norm.bias"] = [D]
    return s
