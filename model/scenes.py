#!/usr/bin/python3
"""Seeded scene generator for LabelStream's bundled object detector.

A scene is a 640x480 RGB frame with 0-8 Fashion-MNIST garments composed onto a varied
colour background (gradients, stripes/checks, noise, clutter of simple shapes and lines
that are not garments), saved as JPEG (quality 75-95).

- A garment is tinted with a random colour; its alpha comes from its own intensity, so
  the black background of the 28x28 image is transparent.
- It is scaled so its box (tight box of the non-background pixels) is 40-200 px on the
  longer side.
- Objects may overlap, but the IoU of any two boxes is <= 0.4 and at most 50 % of an
  earlier box is covered by a later one, so every object stays visible.
- Some are cut by the frame border: the box is the visible part only, and an object less
  than 50 % visible (by alpha mass) is not placed.
- Ground truth box = tight box around the pixels whose alpha >= ALPHA_THRESHOLD, in
  frame pixels, x/y = top-left, w/h = size (exclusive right/bottom edge: w = x1 - x0).

Splits: train scenes draw from the first 55,000 training images, validation scenes from
the last 5,000 training images (the classifier's held-out split), test scenes from the
10,000 test images. Scene i of split s is the same on every run for a given seed:
its random generator is seeded from (seed, split, i) alone.

    /usr/bin/python3 model/scenes.py --split test --count 4 --out /tmp/scenes
"""
import argparse
import gzip
import io
import json
import os

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

DATA_DIR = "/usr/share/datasets/fashion-mnist"
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
WIDTH, HEIGHT = 640, 480
MAX_OBJECTS = 8
MIN_SIDE, MAX_SIDE = 40, 200
MAX_IOU = 0.4
MAX_COVERED = 0.5
MIN_VISIBLE = 0.5
ALPHA_THRESHOLD = 0.25
SPLITS = {"train": 0, "validation": 1, "test": 2}
N_VAL = 5000
DEFAULT_SEED = 15


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_split(split):
    """(images [n,28,28] uint8, labels [n]) of a split, as the classifier splits them."""
    if split == "test":
        return (read_idx(os.path.join(DATA_DIR, "t10k-images-idx3-ubyte.gz")),
                read_idx(os.path.join(DATA_DIR, "t10k-labels-idx1-ubyte.gz")))
    x = read_idx(os.path.join(DATA_DIR, "train-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(DATA_DIR, "train-labels-idx1-ubyte.gz"))
    n_train = len(x) - N_VAL
    return (x[:n_train], y[:n_train]) if split == "train" else (x[n_train:], y[n_train:])


# ------------------------------------------------------------------- backgrounds
def random_colour(rng, lo=0, hi=255):
    return rng.integers(lo, hi + 1, size=3).astype(np.float32)


def gradient(rng):
    c0, c1 = random_colour(rng), random_colour(rng)
    ang = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    t = (xx - WIDTH / 2) * np.cos(ang) + (yy - HEIGHT / 2) * np.sin(ang)
    t = (t - t.min()) / max(float(t.max() - t.min()), 1.0)
    return c0 + (c1 - c0) * t[..., None]


def stripes(rng):
    c0, c1 = random_colour(rng), random_colour(rng)
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    period = rng.uniform(6, 60)
    ang = rng.uniform(0, np.pi)
    t = 0.5 + 0.5 * np.sin(2 * np.pi * (xx * np.cos(ang) + yy * np.sin(ang)) / period)
    if rng.random() < 0.4:  # checks / plaid
        p2 = rng.uniform(6, 60)
        t = 0.5 * t + 0.25 + 0.25 * np.sin(2 * np.pi * (xx * np.sin(ang) - yy * np.cos(ang)) / p2)
    if rng.random() < 0.5:
        t = (t > 0.5).astype(np.float32)
    return c0 + (c1 - c0) * t[..., None]


def noise(rng):
    base = random_colour(rng)
    cell = int(rng.choice([1, 2, 4, 8, 16]))
    h, w = HEIGHT // cell + 1, WIDTH // cell + 1
    n = rng.normal(0, rng.uniform(10, 60), size=(h, w, 3)).astype(np.float32)
    n = np.repeat(np.repeat(n, cell, 0), cell, 1)[:HEIGHT, :WIDTH]
    img = base + n
    if cell > 1 and rng.random() < 0.5:
        pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
        img = np.asarray(pil.filter(ImageFilter.GaussianBlur(cell / 2)), dtype=np.float32)
    return img


def plain(rng):
    return np.broadcast_to(random_colour(rng), (HEIGHT, WIDTH, 3)).astype(np.float32)


def clutter(rng, img):
    """Simple shapes and lines that are not garments."""
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(pil)
    for _ in range(int(rng.integers(3, 25))):
        col = tuple(int(v) for v in random_colour(rng))
        x0, y0 = int(rng.integers(-50, WIDTH)), int(rng.integers(-50, HEIGHT))
        w, h = int(rng.integers(5, 160)), int(rng.integers(5, 160))
        kind = rng.integers(0, 5)
        if kind == 0:
            draw.rectangle([x0, y0, x0 + w, y0 + h], fill=col)
        elif kind == 1:
            draw.ellipse([x0, y0, x0 + w, y0 + h], fill=col)
        elif kind == 2:
            draw.line([x0, y0, int(rng.integers(0, WIDTH)), int(rng.integers(0, HEIGHT))], fill=col,
                      width=int(rng.integers(1, 8)))
        elif kind == 3:
            pts = [(int(x0 + rng.integers(0, w + 1)), int(y0 + rng.integers(0, h + 1))) for _ in range(3)]
            draw.polygon(pts, fill=col)
        else:
            draw.rectangle([x0, y0, x0 + w, y0 + h], outline=col, width=int(rng.integers(1, 6)))
    return np.asarray(pil, dtype=np.float32)


def background(rng):
    kind = rng.integers(0, 4)
    img = (gradient, stripes, noise, plain)[kind](rng)
    if rng.random() < 0.6:
        img = clutter(rng, img)
    if rng.random() < 0.3:  # light sensor noise over everything
        img = img + rng.normal(0, rng.uniform(2, 10), size=img.shape).astype(np.float32)
    return np.array(img, dtype=np.float32)


# ---------------------------------------------------------------------- garments
def tight_box(mask):
    rows, cols = np.where(mask.any(1))[0], np.where(mask.any(0))[0]
    if len(rows) == 0:
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def iou(a, b):
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    ua = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / ua if ua > 0 else 0.0, inter


def garment_layer(rng, img28):
    """Scaled alpha [h,w] and RGB colour layer for one garment, cropped to its own box."""
    a28 = img28.astype(np.float32) / 255.0
    box = tight_box(a28 >= ALPHA_THRESHOLD)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    a28 = a28[y0:y1, x0:x1]
    side = rng.uniform(MIN_SIDE, MAX_SIDE) if rng.random() < 0.5 else \
        np.exp(rng.uniform(np.log(MIN_SIDE), np.log(MAX_SIDE)))
    s = side / max(a28.shape)
    h = max(1, int(round(a28.shape[0] * s)))
    w = max(1, int(round(a28.shape[1] * s)))
    alpha = np.asarray(Image.fromarray(a28).resize((w, h), Image.BILINEAR), dtype=np.float32)
    alpha = np.clip(alpha, 0, 1)
    tint = random_colour(rng, 20, 255)
    # shading from the garment's own intensity keeps its texture visible under the tint
    shade = 0.35 + 0.65 * alpha
    rgb = tint[None, None, :] * shade[..., None]
    # full opacity for most of the garment; the faint edge pixels blend into the background
    alpha = np.clip(alpha * rng.uniform(1.5, 3.0), 0, 1)
    return alpha, rgb


def make_scene(split, index, seed=DEFAULT_SEED, data=None):
    """(uint8 RGB [480,640,3] before JPEG, list of boxes, jpeg quality) for scene `index` of `split`.

    Boxes: dicts {classIndex, x, y, w, h, source} in frame pixels; `source` is the index of
    the Fashion-MNIST image in the split."""
    images, labels = data if data is not None else load_split(split)
    rng = np.random.default_rng([seed, SPLITS[split], index])
    img = background(rng)
    n_obj = int(rng.integers(0, MAX_OBJECTS + 1))
    boxes = []
    full_boxes = []  # unclipped placement boxes used for the overlap rules
    attempts = 0
    while len(boxes) < n_obj and attempts < 60:
        attempts += 1
        src = int(rng.integers(0, len(images)))
        layer = garment_layer(rng, images[src])
        if layer is None:
            continue
        alpha, rgb = layer
        h, w = alpha.shape
        cut = rng.random() < 0.25
        if cut:  # allow up to half outside the frame
            x = int(rng.integers(-w // 2, WIDTH - w // 2 + 1))
            y = int(rng.integers(-h // 2, HEIGHT - h // 2 + 1))
        else:
            x = int(rng.integers(0, max(1, WIDTH - w + 1)))
            y = int(rng.integers(0, max(1, HEIGHT - h + 1)))
        fx0, fy0, fx1, fy1 = max(0, x), max(0, y), min(WIDTH, x + w), min(HEIGHT, y + h)
        if fx1 <= fx0 or fy1 <= fy0:
            continue
        a_vis = alpha[fy0 - y:fy1 - y, fx0 - x:fx1 - x]
        if a_vis.sum() < MIN_VISIBLE * alpha.sum():
            continue
        vbox = tight_box(a_vis >= ALPHA_THRESHOLD)
        if vbox is None:
            continue
        vb = (fx0 + vbox[0], fy0 + vbox[1], fx0 + vbox[2], fy0 + vbox[3])
        if vb[2] - vb[0] < 4 or vb[3] - vb[1] < 4:
            continue
        ok = True
        for other in full_boxes:
            o, inter = iou(vb, other)
            area_other = (other[2] - other[0]) * (other[3] - other[1])
            if o > MAX_IOU or inter > MAX_COVERED * area_other:
                ok = False
                break
        if not ok:
            continue
        region = img[fy0:fy1, fx0:fx1]
        a = a_vis[..., None]
        img[fy0:fy1, fx0:fx1] = region * (1 - a) + rgb[fy0 - y:fy1 - y, fx0 - x:fx1 - x] * a
        full_boxes.append(vb)
        boxes.append({"classIndex": int(labels[src]), "x": vb[0], "y": vb[1],
                      "w": vb[2] - vb[0], "h": vb[3] - vb[1], "source": src})
    quality = int(rng.integers(75, 96))
    return np.clip(img + 0.5, 0, 255).astype(np.uint8), boxes, quality


def jpeg_bytes(rgb, quality):
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def scene_jpeg(split, index, seed=DEFAULT_SEED, data=None):
    """(JPEG bytes, boxes) of a scene exactly as a camera would send it."""
    rgb, boxes, q = make_scene(split, index, seed, data)
    return jpeg_bytes(rgb, q), boxes


def write_coco(out_dir, split, start, count, seed=DEFAULT_SEED, data=None, info=None):
    """Writes scenes start..start+count-1 of `split` to out_dir as JPEGs, with their true boxes in scenes.json
    (COCO object detection: images, annotations with bbox [x, y, w, h] in frame pixels, the ten classes as
    categories); what the sample scenes, ./labelstream evaluate --task detection --e2e and the demo read.
    Returns the number of boxes written."""
    os.makedirs(out_dir, exist_ok=True)
    data = data if data is not None else load_split(split)
    images, anns = [], []
    for i in range(start, start + count):
        jpg, boxes = scene_jpeg(split, i, seed, data)
        name = "%s-scene-%04d.jpg" % (split, i)
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(jpg)
        images.append({"id": i, "file_name": name, "width": WIDTH, "height": HEIGHT})
        for b in boxes:
            anns.append({"id": len(anns) + 1, "image_id": i, "category_id": b["classIndex"],
                         "bbox": [b["x"], b["y"], b["w"], b["h"]], "area": b["w"] * b["h"], "iscrowd": 0})
    if info is None:
        info = {"description": "LabelStream %s scenes %d-%d of model/scenes.py (seed %d), Fashion-MNIST %s images"
                               % (split, start, start + count - 1, seed, "test" if split == "test" else "training")}
    coco = {"info": info,
            "licenses": [{"id": 1, "name": "MIT (Fashion-MNIST, Zalando SE)"}],
            "images": images, "annotations": anns,
            "categories": [{"id": k, "name": n, "supercategory": "garment"} for k, n in enumerate(CLASS_NAMES)]}
    with open(os.path.join(out_dir, "scenes.json"), "w") as f:
        json.dump(coco, f, indent=1)
    return len(anns)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=list(SPLITS), default="test")
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--count", type=int, default=8)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    write_coco(args.out, args.split, args.start, args.count, args.seed)


if __name__ == "__main__":
    main()
