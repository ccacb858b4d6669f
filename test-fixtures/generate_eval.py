#!/usr/bin/python3
"""Generate the evaluation-protocol goldens used by the Java `evaluation` module tests
(io.denseav.evaluation.protocols) and the `denseav eval` CLI tests.

Run from the repository root (about half a minute):

    /usr/bin/python3 test-fixtures/generate_eval.py

Use the Debian system interpreter (/usr/bin/python3): torch 1.13, torchvision, numpy, scikit-learn, PIL. It reads
the committed tiny DenseAV checkpoint (fixtures/denseav/tiny_2head/model.ckpt, written by generate_denseav.py) and
writes, below test-fixtures/src/main/resources/fixtures/eval/:

  prompted/    a tiny ADE20K-prompted folder in the TuxPaint-AV layout: prompted_segmentation.csv (speech rows with
               timing and sound rows, a prompt_kind column), frames/*.png, annotations/*_seg.png (class =
               R/10*256 + G), audio/*.wav (16 kHz), classes.csv, pairs.csv (image,audio,label,split) and
               localization.csv (image,audio,boxes)
  index.json   the metrics of every protocol from the torch reference (denseav_fixtures/eval_goldens.py) and how
               far a float32 model run moves each of them
  *.npy        raw heatmaps, the retrieval matrix and the paired per-head scores

The script is deterministic. The code lives in denseav_fixtures/eval_goldens.py.
"""

import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep test-fixtures/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))

from denseav_fixtures.eval_goldens import OUT, build  # noqa: E402


def main():
    index = build()
    g = index["goldens"]
    for kind in ("speech", "sound"):
        s = g[kind]
        print(f"{kind}: {len(s['rows'])} prompts, {len(s['per_class'])} classes, "
              + ", ".join(f"{k} {v:.6f}" for k, v in s["summary"].items()))
        for e in s["per_class"]:
            agree = all(abs(e[k] - e[k + "_torch"]) <= 1e-6 for k in e if k.endswith("_iou"))
            print(f"  class {e['class_id']:5d} {e['class_name']:8s} n={e['count']} "
                  + " ".join(f"{k} {e[k]:.6f}" for k in e if k.endswith(("_ap", "_iou")))
                  + ("" if agree else "  (float32 torch.linspace IoU DIFFERS)"))
    print("retrieval:", {k: v for k, v in g["retrieval"].items() if k != "torch_topk"})
    print("disentanglement: pred_dis %.6f act_dis %.6f" % (g["disentanglement"]["pred_dis"],
                                                          g["disentanglement"]["act_dis"]))
    print("localization: cIoU %.4f AUC %.6f per image %s" % (g["localization"]["ciou"], g["localization"]["auc"],
                                                             [round(c, 4) for c in g["localization"]["ciou_per_image"]]))
    print("float32 model vs float64 model, largest metric change: %.3g" % index["float32_model_metric_diff_max"])
    total = sum(f.stat().st_size for f in OUT.rglob("*") if f.is_file())
    print(f"{total:,d} bytes in {OUT}")
    assert total < 1_000_000, "eval fixtures must stay under 1 MB"


if __name__ == "__main__":
    main()
