#!/usr/bin/python3
"""Generate the evaluation-metric goldens used by the Java `evaluation` module tests (io.denseav.evaluation.metrics).

Run from the repository root (a few seconds):

    /usr/bin/python3 test-fixtures/generate_metrics.py

Use the Debian system interpreter (/usr/bin/python3) with these Debian packages (no PyPI access needed):

    apt-get install -y python3-torch python3-numpy python3-sklearn

(developed against Debian bookworm: torch 1.13, numpy 1.24, scikit-learn 1.2.1). Everything is written below

    test-fixtures/src/main/resources/fixtures/metrics/

with an index.json describing each golden; the script is deterministic. The code lives in
denseav_fixtures/metrics_goldens.py; this file only runs it and prints a report.
"""

import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep test-fixtures/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))

from denseav_fixtures.metrics_goldens import OUT, build  # noqa: E402


def main():
    index = build()
    ranking = index["ranking"]
    print(f"ranking (AP, PR curve, oracle IoU): {len(ranking)} cases, n = "
          f"{min(e['n'] for e in ranking)}..{max(e['n'] for e in ranking)}")
    for e in ranking:
        agree = "same" if abs(e["iou"] - e["iou_torch"]) <= 1e-6 else "DIFFERENT"
        print(f"  {e['name']:26s} AP {e['sklearn_ap']:.6f}  IoU {e['iou']:.6f} (torch float32: {agree})")
    r = index["recall"][0]
    print(f"recall {r['name']}: A_r@1,5,10 {r['image_to_audio']}  I_r@1,5,10 {r['audio_to_image']}")
    print(f"subsets: {[(s['n'], s['size'], s['seed']) for s in index['subset']]}")
    for d in index["disentanglement"]:
        print(f"disentanglement {d['name']}: pred {d['pred_dis']:.6f} act {d['act_dis']:.6f}")
    loc = index["localization"]
    for s in loc["summaries"]:
        print(f"localisation {s['name']}: cIoU@0.5 {s['ciou_at_05']:.4f} AUC {s['auc']:.6f}")
    total = sum(f.stat().st_size for f in OUT.rglob("*") if f.is_file())
    print(f"{total:,d} bytes in {OUT}")
    assert total < 1_000_000, "metrics fixtures must stay under 1 MB"


if __name__ == "__main__":
    main()
