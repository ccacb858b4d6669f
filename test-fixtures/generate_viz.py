#!/usr/bin/python3
"""Generate the visualisation goldens used by the Java `evaluation` module tests.

Run from the repository root (a few seconds):

    /usr/bin/python3 test-fixtures/generate_viz.py

Use the Debian system interpreter (/usr/bin/python3) with these Debian packages (no PyPI access needed):

    apt-get install -y python3-torch python3-numpy python3-pil python3-matplotlib

(developed against Debian bookworm: torch 1.13, numpy 1.24, Pillow 9.4, matplotlib 3.6.3). Everything is
written below

    test-fixtures/src/main/resources/fixtures/viz/

with an index.json describing each golden; the script is deterministic. The code lives in
denseav_fixtures/viz_goldens.py; this file only runs it and prints a report.
"""

import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep test-fixtures/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))

from denseav_fixtures.viz_goldens import OUT, build  # noqa: E402


def main():
    index = build()
    print(f"interpolate: {len(index['interpolate'])} cases x (bilinear, bicubic)")
    print(f"blur_dim(window=3): {len(index['blur'])} cases, kernel {index['blur'][0]['kernel']}")
    o = index["overlay"]
    print(f"overlay: {o['frames']} frames {o['width']}x{o['height']}, sim_by_head "
          f"[{o['frames']}, {o['heads']}, {o['sim_h']}, {o['sim_w']}, {o['sim_t']}]")
    total = sum(f.stat().st_size for f in OUT.rglob("*") if f.is_file())
    print(f"{total:,d} bytes in {OUT}")
    assert total < 200_000, "viz fixtures must stay under 200 KB"


if __name__ == "__main__":
    main()
