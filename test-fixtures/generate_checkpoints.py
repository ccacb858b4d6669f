#!/usr/bin/python3
"""Generate the checkpoint-loading fixtures used by the Java tests.

Run from the repository root (takes well under a minute):

    /usr/bin/python3 test-fixtures/generate_checkpoints.py

Use the Debian system interpreter (/usr/bin/python3), not a pyenv/venv python.
It needs these Debian packages (no PyPI access is required):

    apt-get install -y python3-torch python3-numpy python3-torchaudio python3-omegaconf

(developed against Debian bookworm: torch 1.13, numpy 1.24, torchaudio 0.13.1,
omegaconf 2.2).  There is deliberately no dependency on the `safetensors`,
`transformers`, `timm`, `peft` or `pytorch_lightning` packages: safetensors files
are written byte-for-byte the way the Rust `safetensors` crate writes them, and the
HF / DINO / LoRA / Lightning layouts are rebuilt here with plain torch modules.

Everything is written below
    test-fixtures/src/main/resources/fixtures/checkpoints/
and the script is deterministic: re-running it rewrites identical bytes.

Next to every loadable fixture X it writes X.expected.json (for a directory fixture
DIR, DIR/expected.json) with the reference truth:

    {"format": "torch-zip" | "torch-legacy" | "safetensors" | "npy" | "npz",
     "tensors": {name: {"dtype": "F32"|..., "shape": [...], "values": [flat, row-major]}},
     "metadata": {...}}          # torch checkpoints and HF config.json only

After writing, every good fixture is loaded back with torch.load / numpy / a
safetensors reader and compared with its expected.json, the bad fixtures are
checked with pickletools, and the pickle GLOBALs used by the good torch fixtures
are printed (the Java unpickler allowlist is built from that list).

The code lives in the denseav_fixtures package next to this script (see its
__init__ for the module list); this file is only the entry point.

The full-size timing checkpoint is NOT produced here; see make_large_checkpoint.py.
"""

import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep test-fixtures/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))

from denseav_fixtures.generate import main  # noqa: E402

if __name__ == "__main__":
    main()
