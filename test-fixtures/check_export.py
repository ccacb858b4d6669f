#!/usr/bin/python3
"""Opt-in check that a model trained and exported by the Java trainer (an HF-style folder:
model.safetensors + config.json, official key layout) loads in the independent PyTorch reference
(denseav_fixtures/denseav_ref.py) and gives the same features.

    /usr/bin/python3 test-fixtures/check_export.py MODEL_DIR OUT_DIR
    mvn -B test -pl training -Dtest=ExportParityTest -Dsurefire.failIfNoSpecifiedTests=false \
        -Ddenseav.export.model=MODEL_DIR -Ddenseav.export.goldens=OUT_DIR

Writes OUT_DIR/{image,audio,image_feats,audio_feats}.npy: seeded inputs (one 224² image, one clip of the
model's own audio_samples) and the reference's aligned features in float64 stored as float32.
"""

import json
import sys
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from denseav_fixtures import denseav_ref as ref  # noqa: E402
from denseav_fixtures.writers import read_safetensors  # noqa: E402


def main(model_dir, out_dir):
    model_dir, out_dir = Path(model_dir), Path(out_dir)
    hp = json.loads((model_dir / "config.json").read_text())
    sd, _ = read_safetensors(model_dir / "model.safetensors")
    model = ref.DenseAVRef(ref.arch_from_hparams(hp), sd, dtype=torch.float64)
    g = torch.Generator().manual_seed(0)
    image = torch.randn(1, 3, 224, 224, generator=g, dtype=torch.float64)
    audio = torch.randn(1, int(hp.get("audio_samples", 164200)), generator=g, dtype=torch.float64)
    with torch.no_grad():
        outs = {"image": image, "audio": audio, "image_feats": model.forward_image(image)["feats"],
                "audio_feats": model.forward_audio(audio)["feats"]}
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, t in outs.items():
        np.save(out_dir / (name + ".npy"), t.numpy().astype(np.float32))
    print("wrote", out_dir, {k: tuple(v.shape) for k, v in outs.items()}, "unused keys:", model.unused_keys)


if __name__ == "__main__":
    main(*sys.argv[1:3])
