#!/usr/bin/python3
"""Goldens for the deterministic parts of the training augmentations, from torchvision 0.14 on PIL images:
adjust_brightness/contrast/saturation/hue with fixed factors, rgb_to_grayscale(3 channels), hflip and
resized_crop(top, left, h, w, 224, bilinear). The random sampling itself is tested in Java for its properties.

Run: /usr/bin/python3 test-fixtures/generate_augment.py   (python3-torchvision, python3-pil)
Writes test-fixtures/src/main/resources/fixtures/augment/.
"""
import json
import os

import numpy as np
from PIL import Image
import torchvision.transforms.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "src/main/resources/fixtures/augment")


def main():
    os.makedirs(OUT, exist_ok=True)
    rs = np.random.RandomState(0)
    # a smooth picture plus noise, so every adjustment changes many pixels
    y, x = np.mgrid[0:48, 0:64]
    base = np.stack([x * 4, y * 5, (x + y) * 2], -1) + rs.randint(0, 40, (48, 64, 3))
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")
    img.save(os.path.join(OUT, "input.png"))
    cases = {
        "brightness_0.8": F.adjust_brightness(img, 0.8), "brightness_1.2": F.adjust_brightness(img, 1.2),
        "contrast_0.8": F.adjust_contrast(img, 0.8), "contrast_1.2": F.adjust_contrast(img, 1.2),
        "saturation_0.8": F.adjust_saturation(img, 0.8), "saturation_1.2": F.adjust_saturation(img, 1.2),
        "hue_-0.2": F.adjust_hue(img, -0.2), "hue_0.15": F.adjust_hue(img, 0.15),
        "grayscale": F.rgb_to_grayscale(img, num_output_channels=3), "hflip": F.hflip(img),
        "resized_crop_5_7_30_40": F.resized_crop(img, 5, 7, 30, 40, [224, 224]),
    }
    for name, out in cases.items():
        out.convert("RGB").save(os.path.join(OUT, name + ".png"))
    with open(os.path.join(OUT, "index.json"), "w") as f:
        json.dump({"input": "input.png", "cases": sorted(cases), "torchvision": "0.14 functional on PIL images"}, f, indent=1)
    print("wrote", len(cases) + 1, "images to", OUT)


if __name__ == "__main__":
    main()
