#!/usr/bin/python3
"""Reference input tensors for FrameDecoderFixturesTest, computed in NumPy from the definition in FrameDecoder's
Javadoc, independently of the Java code (matrix form of the resize instead of Java's tap lists, float64 throughout).

Run from this directory: /usr/bin/python3 make_fixtures.py
It writes the small test pictures (PNG, lossless, so the Java decoder reads exactly these pixels), variants.csv (one
card input section per line) and, for every picture and variant, <picture>.<variant>.f32: the tensor as
little-endian float32, in the variant's layout (for uint8 variants: the 0-255 values before the final rounding to
whole numbers, see reference()). Needs numpy and PIL only.
"""
import csv
import numpy as np
from PIL import Image

# name, layout, channels, colorOrder, width, height, resize, padValue, dtype, scale, mean, std
IMAGENET = (1 / 255, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
VARIANTS = [
    ("nchw-rgb-float32-imagenet-stretch", "NCHW", 3, "RGB", 32, 24, "STRETCH", 114, "FLOAT32", *IMAGENET),
    ("nchw-rgb-float32-imagenet-center-crop", "NCHW", 3, "RGB", 24, 24, "CENTER_CROP", 114, "FLOAT32", *IMAGENET),
    ("nhwc-bgr-uint8-letterbox", "NHWC", 3, "BGR", 24, 24, "LETTERBOX", 114, "UINT8", 1, [0, 0, 0], [1, 1, 1]),
    ("nhwc-rgb-uint8-center-crop", "NHWC", 3, "RGB", 32, 24, "CENTER_CROP", 114, "UINT8", 1, [0, 0, 0], [1, 1, 1]),
    ("nchw-bgr-float32-halves-letterbox", "NCHW", 3, "BGR", 32, 24, "LETTERBOX", 0, "FLOAT32", 1 / 255,
     [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]),
    ("nchw-grey-float32-raw-stretch", "NCHW", 1, "RGB", 24, 24, "STRETCH", 114, "FLOAT32", 1, [0], [1]),
    ("nhwc-grey-uint8-letterbox", "NHWC", 1, "RGB", 24, 32, "LETTERBOX", 114, "UINT8", 1, [0], [1]),
]


def pictures():
    """Small deterministic pictures: gradients, edges and noise; colour and grey; wider, taller, smaller than the
    inputs (the last one is enlarged, so bilinear interpolation is exercised)."""
    rng = np.random.default_rng(14)

    def scene(w, h):
        y, x = np.mgrid[0:h, 0:w].astype(np.float64)
        r = 255 * x / (w - 1)
        g = 255 * y / (h - 1)
        b = 128 + 100 * np.sin(x / 3.0) * np.cos(y / 5.0)
        square = (np.abs(x - w * 0.6) < w * 0.15) & (np.abs(y - h * 0.4) < h * 0.2)
        r[square], g[square], b[square] = 250, 30, 20
        rgb = np.stack([r, g, b], axis=-1) + rng.normal(0, 12, (h, w, 3))
        return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)

    yield "colour-64x48", Image.fromarray(scene(64, 48), "RGB")
    yield "colour-50x70", Image.fromarray(scene(50, 70), "RGB")
    yield "colour-20x12", Image.fromarray(scene(20, 12), "RGB")
    grey = scene(40, 30).astype(np.float64) @ [0.3, 0.5, 0.2]
    yield "grey-40x30", Image.fromarray(np.clip(np.rint(grey), 0, 255).astype(np.uint8), "L")
    wide = (np.clip(rng.normal(30000, 15000, (18, 30)), 0, 65535)).astype(np.uint16)
    yield "grey16-30x18", Image.fromarray(wide, "I;16")


def samples(image):
    """0-255 float64 samples as the decoder reads them: (h, w, 3) for colour, (h, w) for grey."""
    a = np.array(image)
    if image.mode == "RGB":
        return a.astype(np.float64)
    if image.mode in ("I;16", "I"):
        return a.astype(np.float64) / 257.0
    return a.astype(np.float64)


def axis_matrix(start, length, size, outputs):
    """(outputs, size) weights: exact area average when shrinking, half-pixel bilinear when enlarging."""
    m = np.zeros((outputs, size))
    s = length / outputs
    j = np.arange(size)
    for i in range(outputs):
        if s >= 1:
            lo, hi = start + i * s, start + (i + 1) * s
            m[i] = np.clip(np.minimum(j + 1, hi) - np.maximum(j, lo), 0, None) / s
        else:
            c = min(size - 1, max(0.0, start + (i + 0.5) * s - 0.5))
            j0 = int(np.floor(c))
            f = c - j0
            m[i, j0] += 1 - f
            m[i, min(j0 + 1, size - 1)] += f
    return m


def fit(resize, w, h, W, H):
    """(source x, y, width, height), (target x, y, width, height)."""
    if resize == "STRETCH":
        return (0, 0, w, h), (0, 0, W, H)
    width_limits = W * h <= H * w
    if resize == "CENTER_CROP":
        if width_limits:
            cw = W * h / H
            return ((w - cw) / 2, 0, cw, h), (0, 0, W, H)
        ch = H * w / W
        return (0, (h - ch) / 2, w, ch), (0, 0, W, H)
    if width_limits:
        content = max(1, min(H, int(np.floor(h * W / w + 0.5))))
        return (0, 0, w, h), (0, (H - content) // 2, W, content)
    content = max(1, min(W, int(np.floor(w * H / h + 0.5))))
    return (0, 0, w, h), ((W - content) // 2, 0, content, H)


def reference(image, variant):
    return reference_values(image, variant).astype("<f4")


def reference_values(image, variant):
    """The tensor in float64 (make_reference_probabilities.py rounds the uint8 values from these)."""
    _, layout, channels, order, W, H, resize, pad, dtype, scale, mean, std = variant
    p = samples(image)
    if channels == 1 and p.ndim == 3:
        p = p @ [0.299, 0.587, 0.114]
    if channels == 3 and p.ndim == 2:
        p = np.stack([p] * 3, axis=-1)
    if p.ndim == 2:
        p = p[..., None]
    h, w = p.shape[:2]
    (sx, sy, sw, sh), (tx, ty, tw, th) = fit(resize, w, h, W, H)
    mx = axis_matrix(sx, sw, w, tw)
    my = axis_matrix(sy, sh, h, th)
    out = np.full((H, W, channels), float(pad))
    out[ty:ty + th, tx:tx + tw] = np.einsum("yh,hwc,xw->yxc", my, p, mx)
    if order == "BGR":
        out = out[..., ::-1]
    if dtype == "UINT8":
        # Kept before rounding, so the test sees how close each value is to a tie: the decoder feeds floor(p + 0.5).
        pass
    else:
        out = (out * scale - np.array(mean)) / np.array(std)
    if layout == "NCHW":
        out = out.transpose(2, 0, 1)
    return out


def main():
    with open("variants.csv", "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["name", "layout", "channels", "colorOrder", "width", "height", "resize", "padValue", "dtype",
                      "scale", "mean", "std"])
        for v in VARIANTS:
            out.writerow([*v[:9], repr(float(v[9])), " ".join(repr(float(m)) for m in v[10]),
                          " ".join(repr(float(s)) for s in v[11])])
    for name, image in pictures():
        image.save(f"{name}.png")
        reread = Image.open(f"{name}.png")
        for v in VARIANTS:
            reference(reread, v).tofile(f"{name}.{v[0]}.f32")


if __name__ == "__main__":
    main()
