"""Top level of the fixture generator: rebuild OUT from scratch, write every fixture,
verify them, and print the report (parameter totals, pickle GLOBALs, file sizes)."""

import shutil

from .adversarial import build_bad
from .basic import build_numpy, build_safetensors_basic, build_torch_basic
from .families import build_families
from .lightning import build_lightning
from .output import OUT
from .tiny_fixtures import build_tiny_models
from .verify import good_torch_globals, verify_bad, verify_good


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    build_torch_basic()
    build_lightning()
    build_safetensors_basic()
    build_numpy()
    err1, err2 = build_tiny_models()
    totals = build_families()
    expected_errors, expect_globals = build_bad()

    verify_good()
    verify_bad(expect_globals)

    # parameter totals
    for name, n in totals.items():
        print(f"  {name:26s} {n:>13,d} parameters")
    assert totals["denseav_2head"] == 341_346_817, totals["denseav_2head"]
    assert totals["denseav_language"] == 341_346_817
    assert totals["denseav_sound"] == 341_346_817 - 12 * (8 * 384 + 1152 * 8)
    print(f"HF-layout HuBERT forward == torchaudio forward (max abs err {err1:.2e}, {err2:.2e})")

    print("\nPickle GLOBALs in the good torch fixtures:")
    for g, files in good_torch_globals().items():
        print(f"  {g.replace(' ', '.'):50s} {', '.join(sorted(files))}")

    print("\nFiles:")
    total = 0
    biggest = 0
    for f in sorted(OUT.rglob("*")):
        if f.is_file():
            sz = f.stat().st_size
            total += sz
            biggest = max(biggest, sz)
            print(f"  {sz:>9,d}  {f.relative_to(OUT)}")
    print(f"  {total:>9,d}  TOTAL ({total / 1e6:.2f} MB), largest file {biggest:,d} bytes")
    assert biggest < 1_000_000, "a fixture file exceeds 1 MB"
    print("all fixtures verified")
