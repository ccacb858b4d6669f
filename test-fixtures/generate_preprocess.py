#!/usr/bin/python3
"""Generate the preprocessing goldens used by the Java `data` module tests.

Run from the repository root (a few seconds):

    /usr/bin/python3 test-fixtures/generate_preprocess.py

Use the Debian system interpreter (/usr/bin/python3). It needs these Debian packages
(no PyPI access is required):

    apt-get install -y python3-torch python3-torchaudio python3-torchvision python3-numpy python3-pil ffmpeg

(developed against Debian bookworm: torch 1.13, torchaudio 0.13.1, torchvision 0.14.1,
numpy 1.24, Pillow 9.4, ffmpeg 5.1). Everything is written below

    test-fixtures/src/main/resources/fixtures/preprocess/

with an index.json describing each golden, and the script is deterministic: re-running it
rewrites identical bytes. The code lives in denseav_fixtures/preprocess.py; this file
only runs it and prints a report.
"""

import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep test-fixtures/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))

from denseav_fixtures.preprocess import OUT, build  # noqa: E402


def main():
    index = build()
    print("Images (PIL Resize(224) size; tensor-path Resize vs PIL, max |diff| in uint8 levels):")
    for e in index["images"]:
        n = e["notes"]
        print(f"  {e['file']:34s} {e['pil_mode']:5s} {e['width']}x{e['height']} -> "
              f"{e['resize224']['width']}x{e['resize224']['height']}  "
              f"aa=False {n['tensor_resize_antialias_False_max_abs_diff']:3d}  "
              f"aa=True {n['tensor_resize_antialias_True_max_abs_diff']:3d}")
    print("Audio (torchaudio 0.13 load vs the exact / ffmpeg CLI decode):")
    for e in index["audio"]:
        ta = e.get("torchaudio_load_max_abs_diff", e.get("torchaudio_load"))
        print(f"  {e['file']:34s} {e['sample_rate']:6d} Hz x{e['channels']} {e['frames']:6d} frames  torchaudio: {ta}")
    print("Resample (torchaudio float32 vs float64 kernel, max |diff|):")
    for e in index["resample"]:
        print(f"  {e['input']:34s} {e['orig_freq']:6d} -> {e['new_freq']} {e['length']:6d} samples  "
              f"{e['float32_vs_float64_max_abs_diff']:.2e}")
    total, biggest = 0, 0
    for f in sorted(OUT.rglob("*")):
        if f.is_file():
            total += f.stat().st_size
            biggest = max(biggest, f.stat().st_size)
    print(f"{total:,d} bytes in {OUT} (largest file {biggest:,d})")
    assert total < 1_000_000, "preprocess fixtures must stay under 1 MB"


if __name__ == "__main__":
    main()
