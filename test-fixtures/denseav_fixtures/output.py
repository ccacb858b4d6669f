"""Where the fixtures are written, and the registry of loadable ones: every good
fixture gets its expected JSON beside it and is listed in GOOD for verification."""

from pathlib import Path

from .expected import torch_expected, write_expected
from .writers import torch_save_zip

TEST_FIXTURES = Path(__file__).resolve().parent.parent
OUT = TEST_FIXTURES / "src" / "main" / "resources" / "fixtures" / "checkpoints"

GOOD = []   # (path, format) of every loadable fixture, for verification


def register(path, fmt, doc):
    """Write the expected document of an already written fixture and list it in GOOD."""
    write_expected(path, doc)
    GOOD.append((path, fmt))


def save_torch_zip_fixture(obj, path, **kw):
    """torch.save obj (zip format) to path, with its expected JSON, and register it."""
    torch_save_zip(obj, path, **kw)
    register(path, "torch-zip", torch_expected(obj, "torch-zip"))
