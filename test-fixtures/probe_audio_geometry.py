#!/usr/bin/python3
"""Where an untrained audio tower puts the training clips: for every stage of the tuxpaint-tiny audio tower (conv
extractor, feature projection, positional conv, each encoder layer, final LayerNorm, audio aligner) it prints the
geometry of the clips' masked time-mean features:

- cos: mean cosine between two clips (1 = every clip the same vector);
- spread/norm: mean norm of the centred features over the mean norm of the features;
- PR: participation ratio of the centred features' covariance (how many directions they fill);
- NN-same-kind: the fraction of clips whose nearest other clip (centred cosine) has the same prompt kind
  (sound, recorded name, synthetic-voice name).

    /usr/bin/python3 test-fixtures/probe_audio_geometry.py --data /tmp/tux3k [--conv 64:400:160,64:3:2]

Every option of probe_train_tuxpaint.py is accepted; the weights are its torch default initialisation (or --init, or
a probe run's warmed-up --warm-file).
"""

import sys
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import probe_train_tuxpaint as probe  # noqa: E402


def clip_means(model, data, rows, samples):
    """{stage: [clips, C]} masked time-means of each stage's [B, T, C] output."""
    out, tower = {}, model.hubert
    with torch.no_grad():
        for i in range(0, len(rows), 32):
            _, au, m = data.batch(rows[i:i + 32], samples, False)

            def add(name, x):
                out.setdefault(name, []).append(probe.clip_mean(x.transpose(1, 2), m))

            f, _ = tower.feature_extractor(au, None)
            add("conv", f)
            x = tower.encoder.feature_projection(f)
            add("proj", x)
            t = tower.encoder.transformer
            x = x + t.pos_conv_embed(x)
            add("pos", x)
            for j, layer in enumerate(t.layers):
                x = layer(x)
                x = x[0] if isinstance(x, tuple) else x
                add(f"layer{j}", x)
            if t.layer_norm is not None:
                add("final_ln", t.layer_norm(x))
            add("aligned", model.forward_audio(au)["feats"][:, :, 0, :].transpose(1, 2))
    return {k: torch.cat(v) for k, v in out.items()}


def geometry(e, kinds):
    n = F.normalize(e, dim=1)
    cos = (n @ n.t())[~torch.eye(len(e), dtype=torch.bool)].mean()
    c = e - e.mean(0)
    ev = torch.linalg.eigvalsh(c.t() @ c)
    nc = F.normalize(c, dim=1)
    g = nc @ nc.t()
    g.fill_diagonal_(-2)
    same = sum(kinds[i] == kinds[j] for i, j in enumerate(g.argmax(1).tolist())) / len(e)
    return cos, c.norm(dim=1).mean() / e.norm(dim=1).mean(), ev.sum() ** 2 / (ev ** 2).sum(), same


def main():
    a = probe.args()
    torch.manual_seed(a.seed)
    data = probe.Data(a)
    model, hp = probe.model_from_scratch(a)
    if a.warm_file:                           # a probe run's --audio-warmup weights
        model.load_state_dict(torch.load(a.warm_file))
    model.eval()
    rows = sorted({Path(r[1]).name: r for r in data.train}.values(), key=lambda r: Path(r[1]).name)
    kinds = [r[3] for r in rows]
    print(f"{len(rows)} training clips")
    for name, e in clip_means(model, data, rows, int(hp["audio_samples"])).items():
        cos, spread, pr, same = geometry(e, kinds)
        print(f"{name:9s} cos {cos:.3f}  spread/norm {spread:.3f}  PR {pr:4.1f}  NN-same-kind {same:.2f}")


if __name__ == "__main__":
    main()
