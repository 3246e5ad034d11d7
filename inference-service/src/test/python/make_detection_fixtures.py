"""Reference boxes for the detection decoders, computed outside Java, and a yolo11n-shaped test detector.

Writes, under src/test/resources/detection/:

- decoding.json: seeded random raw outputs of each card output format (yolo [4+C, A], yolo-nms [K, 6], boxes with
  separate boxes/scores/classes/count), the input fit (letterbox or stretch, frame and input sizes), and the boxes
  expected on the frame: decoded here with torchvision.ops.batched_nms for the class-aware NMS, mapped back with an
  independent implementation of the letterbox/stretch inverse (docs/detection.md, FrameDecoder's Fit), clipped, and
  split into the proposed boxes and the frame score's candidates (score >= 0.05 after NMS).
- yolo11n/yolo11n.onnx + yolo11n.card.json: a tiny random-weight torch model with Ultralytics' exact I/O for
  yolo11n (input `images` [1,3,640,640] float32 RGB 0-1, output `output0` [1,84,8400]: cx, cy, w, h in input pixels
  for the 80x80, 40x40 and 20x20 grids of strides 8, 16, 32, then 80 class scores), exported to ONNX, with a card
  that names the 80 COCO classes; its weights are calibrated so that the scene below yields a few dozen boxes.
- yolo11n/scene-640x480.png and yolo11n/expected.json: a seeded 640x480 scene and the boxes torch's forward pass of
  that model gives on it, letterboxed to 640x640 exactly as the worker does (scale 1, 80 rows of 114 above and
  below, values / 255), decoded as above.

Run with the system Python (torch 1.13, torchvision 0.14, numpy, Pillow, onnx, as in Debian 12):

    /usr/bin/python3 inference-service/src/test/python/make_detection_fixtures.py
"""
import json
import math
import os

import numpy as np
import onnx
import torch
import torchvision
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "detection")
CANDIDATE_FLOOR = 0.05

COCO = ["person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
        "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
        "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
        "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard",
        "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
        "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
        "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone",
        "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors", "teddy bear",
        "hair drier", "toothbrush"]


# ---------------------------------------------------------------------------------------------------------------
# The fit and its inverse, written from the contract (not from the Java code).

def content_rect(resize, frame_w, frame_h, input_w, input_h):
    """Where the whole frame lands in the input: (x, y, w, h) in input pixels."""
    if resize == "stretch":
        return 0, 0, input_w, input_h
    if input_w * frame_h <= input_h * frame_w:  # the width limits the scale
        content = max(1, min(input_h, math.floor(frame_h * input_w / frame_w + 0.5)))
        return 0, (input_h - content) // 2, input_w, content
    content = max(1, min(input_w, math.floor(frame_w * input_h / frame_h + 0.5)))
    return (input_w - content) // 2, 0, content, input_h


def to_frame(box, rect, frame_w, frame_h):
    """An input-space box (x1, y1, x2, y2) on the frame, clipped, as (x, y, w, h); None when nothing is left."""
    x0, y0, cw, ch = rect
    x1 = (box[0] - x0) * frame_w / cw
    x2 = (box[2] - x0) * frame_w / cw
    y1 = (box[1] - y0) * frame_h / ch
    y2 = (box[3] - y0) * frame_h / ch
    x1, x2 = [min(max(v, 0.0), frame_w) for v in (x1, x2)]
    y1, y2 = [min(max(v, 0.0), frame_h) for v in (y1, y2)]
    if not (x2 > x1 and y2 > y1):
        return None
    return x1, y1, x2 - x1, y2 - y1


# ---------------------------------------------------------------------------------------------------------------
# Decoding, as docs/detection.md says.

def finish(boxes, scores, classes, limits, rect, frame_w, frame_h, certainty=None):
    """boxes [M,4] float64 xyxy in input pixels, already in descending score order; certainty [M]: each box's class
    score over the sum of its anchor's class scores (yolo), None where the output gives only the winner (1)."""
    out_boxes, candidates = [], []
    certainty = [1.0] * len(scores) if certainty is None else certainty.tolist()
    for b, s, c, k in zip(boxes.tolist(), scores.tolist(), classes.tolist(), certainty):
        placed = to_frame(b, rect, frame_w, frame_h)
        if placed is None:
            continue
        entry = {"classIndex": int(c), "score": float(s), "classCertainty": float(k), "x": placed[0],
                 "y": placed[1], "w": placed[2], "h": placed[3]}
        if s >= limits["scoreThreshold"] and len(out_boxes) < limits["maxDetections"]:
            out_boxes.append(entry)
        if s >= CANDIDATE_FLOOR:
            candidates.append(entry)
    # the certainty of each keep-or-drop decision at the cut-off: 0.5 at it, 1 at score 0 or 1, times a kept box's
    # class certainty (FrameScore)
    cut = limits["scoreThreshold"]
    frame_score = 1.0
    for c in candidates:
        s = c["score"]
        frame_score *= 0.5 + 0.5 * ((s - cut) / (1.0 - cut) if s >= cut else (cut - s) / cut)
        if s >= cut:
            frame_score *= c["classCertainty"]
    return {"boxes": out_boxes, "candidates": candidates, "frameScore": frame_score}


def floor_of(limits):
    return min(limits["scoreThreshold"], CANDIDATE_FLOOR)


def decode_yolo(t, classes, limits, rect, frame_w, frame_h):
    """t [4+C, A] float32."""
    t = torch.as_tensor(t)
    best, best_class = t[4:4 + classes].max(dim=0)
    best = best.double()
    total = t[4:4 + classes].double().sum(dim=0)
    certainty = torch.where((total > 0) & (best > 0), torch.clamp(best / total, max=1.0), torch.ones_like(best))
    keep = best >= floor_of(limits)
    cx, cy, w, h = [t[i].double()[keep] for i in range(4)]
    boxes = torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], dim=1)
    scores = best[keep]
    cls = best_class[keep]
    kept = torchvision.ops.batched_nms(boxes, scores, cls, limits["iouThreshold"])  # by descending score
    return finish(boxes[kept], scores[kept], cls[kept], limits, rect, frame_w, frame_h, certainty[keep][kept])


def descending(boxes, scores, classes):
    order = np.argsort(-scores, kind="stable")
    return boxes[order], scores[order], classes[order]


def decode_yolo_nms(t, classes, limits, rect, frame_w, frame_h):
    """t [K, 6] float32: x1, y1, x2, y2, score, class."""
    t = np.asarray(t, dtype=np.float32)
    cls = np.rint(t[:, 5].astype(np.float64)).astype(np.int64)
    scores = t[:, 4].astype(np.float64)
    keep = (scores >= floor_of(limits)) & (cls >= 0) & (cls < classes)
    return finish(*descending(t[keep, :4].astype(np.float64), scores[keep], cls[keep]), limits, rect, frame_w,
                  frame_h)


def decode_boxes(boxes, scores, cls_values, count, box_order, class_offset, classes, limits, rect, input_w, input_h,
                 frame_w, frame_h):
    rows = len(scores) if count is None else max(0, min(len(scores), int(round(float(count)))))
    b = np.asarray(boxes[:rows], dtype=np.float32).astype(np.float64)
    if box_order == "yxyx":
        b = b[:, [1, 0, 3, 2]]
    b = b * np.array([input_w, input_h, input_w, input_h], dtype=np.float64)
    s = np.asarray(scores[:rows], dtype=np.float32).astype(np.float64)
    c = np.rint(np.asarray(cls_values[:rows], dtype=np.float64)).astype(np.int64) - class_offset
    keep = (s >= floor_of(limits)) & (c >= 0) & (c < classes)
    return finish(*descending(b[keep], s[keep], c[keep]), limits, rect, frame_w, frame_h)


# ---------------------------------------------------------------------------------------------------------------
# Random raw outputs that exercise every rule: clusters of overlapping boxes (NMS), boxes on the padding and over
# the border (clipping, dropping), scores on both sides of each cut-off.

def clustered_xyxy(rng, n, input_w, input_h, margin=40):
    clusters = max(1, n // 8)
    centres = rng.uniform([-margin, -margin], [input_w + margin, input_h + margin], size=(clusters, 2))
    sizes = rng.uniform(4, 160, size=(clusters, 2))
    pick = rng.integers(0, clusters, size=n)
    cxcy = centres[pick] + rng.normal(0, 5, size=(n, 2))
    wh = sizes[pick] * rng.uniform(0.8, 1.25, size=(n, 2))
    return np.concatenate([cxcy - wh / 2, cxcy + wh / 2], axis=1)


def scores_spread(rng, n):
    return (rng.uniform(0, 1, size=n) ** 3).astype(np.float32)


def yolo_case(rng, name, classes, anchors, fit, limits):
    resize, frame_w, frame_h, input_w, input_h = fit
    xyxy = clustered_xyxy(rng, anchors, input_w, input_h)
    t = np.zeros((4 + classes, anchors), dtype=np.float32)
    t[0] = (xyxy[:, 0] + xyxy[:, 2]) / 2
    t[1] = (xyxy[:, 1] + xyxy[:, 3]) / 2
    t[2] = xyxy[:, 2] - xyxy[:, 0]
    t[3] = xyxy[:, 3] - xyxy[:, 1]
    # Few classes per cluster, so suppression within a class happens; the rest of each row is low.
    t[4:] = rng.uniform(0, 0.04, size=(classes, anchors)).astype(np.float32)
    winners = rng.integers(0, min(3, classes), size=anchors)
    t[4 + winners, np.arange(anchors)] = scores_spread(rng, anchors)
    rect = content_rect(resize, frame_w, frame_h, input_w, input_h)
    expected = decode_yolo(t, classes, limits, rect, frame_w, frame_h)
    return case(name, {"format": "yolo", "name": "output0", **limits}, classes, fit,
                {"output0": tensor(t)}, expected)


def yolo_nms_case(rng, name, classes, rows, fit, limits):
    resize, frame_w, frame_h, input_w, input_h = fit
    t = np.zeros((rows, 6), dtype=np.float32)
    real = rows * 2 // 3  # the rest is padding: all zeros
    t[:real, :4] = clustered_xyxy(rng, real, input_w, input_h)
    t[:real, 4] = scores_spread(rng, real)
    t[:real, 5] = rng.integers(0, classes, size=real)
    t[0, 5] = classes  # a class the card does not have: dropped
    t[0, 4] = 0.9
    rect = content_rect(resize, frame_w, frame_h, input_w, input_h)
    expected = decode_yolo_nms(t, classes, limits, rect, frame_w, frame_h)
    return case(name, {"format": "yolo-nms", "name": "output0", **limits}, classes, fit, {"output0": tensor(t)},
                expected)


def boxes_case(rng, name, classes, rows, count, box_order, class_offset, fit, limits):
    resize, frame_w, frame_h, input_w, input_h = fit
    xyxy = clustered_xyxy(rng, rows, input_w, input_h) / np.array([input_w, input_h, input_w, input_h])
    b = xyxy[:, [1, 0, 3, 2]] if box_order == "yxyx" else xyxy
    b = b.astype(np.float32)
    s = scores_spread(rng, rows)
    c = (rng.integers(0, classes, size=rows) + class_offset).astype(np.float32)
    rect = content_rect(resize, frame_w, frame_h, input_w, input_h)
    expected = decode_boxes(b, s, c, count, box_order, class_offset, classes, limits, rect, input_w, input_h,
                            frame_w, frame_h)
    output = {"format": "boxes", "boxes": "detection_boxes", "scores": "detection_scores",
              "classes": "detection_classes", "boxOrder": box_order, "classOffset": class_offset, **limits}
    tensors = {"detection_boxes": tensor(b), "detection_scores": tensor(s), "detection_classes": tensor(c)}
    if count is not None:
        output["count"] = "num_detections"
        tensors["num_detections"] = tensor(np.array([count], dtype=np.float32))
    return case(name, output, classes, fit, tensors, expected)


def tensor(a):
    a = np.asarray(a, dtype=np.float32)
    # The shortest decimal that reads back as the same float32 (half the size of the double's 17 digits).
    return {"shape": list(a.shape), "values": [float(str(v)) for v in a.ravel()]}


def case(name, output, classes, fit, tensors, expected):
    resize, frame_w, frame_h, input_w, input_h = fit
    return {"name": name, "output": output, "classes": classes,
            "input": {"resize": resize, "width": input_w, "height": input_h},
            "frame": {"width": frame_w, "height": frame_h}, "tensors": tensors, "expected": expected}


def limits_of(score=0.25, iou=0.45, max_det=100):
    return {"scoreThreshold": score, "iouThreshold": iou, "maxDetections": max_det}


def write_decoding_fixtures():
    rng = np.random.default_rng(15)
    cases = [
        yolo_case(rng, "yolo letterbox 640x480 into 640x640", 5, 400, ("letterbox", 640, 480, 640, 640),
                  limits_of()),
        yolo_case(rng, "yolo letterbox 1280x720 into 640x640, tight NMS", 3, 600,
                  ("letterbox", 1280, 720, 640, 640), limits_of(score=0.3, iou=0.3)),
        yolo_case(rng, "yolo letterbox portrait 333x500 into 320x320, 10 kept at most", 4, 300,
                  ("letterbox", 333, 500, 320, 320), limits_of(score=0.2, iou=0.6, max_det=10)),
        yolo_case(rng, "yolo stretch 1000x600 into 416x416, low threshold", 2, 300, ("stretch", 1000, 600, 416, 416),
                  limits_of(score=0.02)),
        yolo_nms_case(rng, "yolo-nms letterbox 640x480 into 640x640", 6, 90, ("letterbox", 640, 480, 640, 640),
                      limits_of()),
        yolo_nms_case(rng, "yolo-nms stretch 800x800 into 320x256", 6, 60, ("stretch", 800, 800, 320, 256),
                      limits_of(score=0.4, max_det=5)),
        boxes_case(rng, "boxes TensorFlow yxyx, 1-based classes, count", 7, 50, 37, "yxyx", 1,
                   ("stretch", 1024, 768, 300, 300), limits_of()),
        boxes_case(rng, "boxes xyxy, no count, letterbox", 4, 40, None, "xyxy", 0, ("letterbox", 480, 640, 512, 512),
                   limits_of(score=0.1)),
    ]
    with open(os.path.join(OUT, "decoding.json"), "w") as f:
        json.dump({"generatedBy": "src/test/python/make_detection_fixtures.py", "cases": cases}, f)
        f.write("\n")


# ---------------------------------------------------------------------------------------------------------------
# The yolo11n-shaped detector.

class TinyYolo11n(torch.nn.Module):
    """Ultralytics' yolo11n I/O with a few hundred random weights: per grid cell of strides 8, 16 and 32, a 1x1
    convolution of the cell's average colour gives box offsets and class logits; a fixed ripple over the cell
    position keeps neighbouring cells' scores apart (no ties in the NMS order)."""

    STRIDES = (8, 16, 32)

    def __init__(self, gain, bias):
        super().__init__()
        gen = torch.Generator().manual_seed(11)
        self.heads = torch.nn.ModuleList()
        for _ in self.STRIDES:
            head = torch.nn.Conv2d(3, 84, 1)
            with torch.no_grad():
                head.weight.copy_(torch.randn(84, 3, 1, 1, generator=gen) * 2.0)
                head.bias.copy_(torch.randn(84, generator=gen) * 0.5)
            self.heads.append(head)
        self.gain = gain
        self.bias = bias

    def forward(self, images):
        levels = []
        for head, stride in zip(self.heads, self.STRIDES):
            g = 640 // stride
            f = head(torch.nn.functional.avg_pool2d(images, stride))  # [N,84,g,g]
            ys = torch.arange(g, dtype=torch.float32).view(1, g, 1).expand(1, g, g)
            xs = torch.arange(g, dtype=torch.float32).view(1, 1, g).expand(1, g, g)
            ripple = 0.35 * torch.sin(xs * 1.37 + ys * 0.61 + stride)
            cx = (xs + 0.5 + torch.tanh(f[:, 0])) * stride
            cy = (ys + 0.5 + torch.tanh(f[:, 1])) * stride
            w = stride * 4.0 * torch.exp(torch.tanh(f[:, 2]))
            h = stride * 4.0 * torch.exp(torch.tanh(f[:, 3]))
            cls = torch.sigmoid(f[:, 4:] * self.gain + ripple.unsqueeze(1) + self.bias)
            level = torch.cat([cx.unsqueeze(1), cy.unsqueeze(1), w.unsqueeze(1), h.unsqueeze(1), cls], dim=1)
            levels.append(level.flatten(2))
        return torch.cat(levels, dim=2)  # [N,84,8400]


def scene(rng):
    """A 640x480 RGB scene: a gradient with a few flat-coloured rectangles."""
    y, x = np.mgrid[0:480, 0:640]
    img = np.stack([x * 255 / 639, y * 255 / 479, np.full_like(x, 90)], axis=2).astype(np.float64)
    for _ in range(7):
        x0, y0 = rng.integers(0, 560), rng.integers(0, 400)
        w, h = rng.integers(40, 220), rng.integers(40, 200)
        img[y0:y0 + h, x0:x0 + w] = rng.integers(0, 256, size=3)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def letterboxed(rgb):
    """The worker's input for a 640x480 frame in a 640x640 letterbox: scale 1, 80 rows of 114 above and below."""
    canvas = np.full((640, 640, 3), 114, dtype=np.float32)
    canvas[80:560] = rgb
    return torch.from_numpy((canvas / np.float32(255)).transpose(2, 0, 1).copy()).unsqueeze(0)


def write_yolo11n():
    folder = os.path.join(OUT, "yolo11n")
    os.makedirs(folder, exist_ok=True)
    rgb = scene(np.random.default_rng(8400))
    Image.fromarray(rgb).save(os.path.join(folder, "scene-640x480.png"))
    x = letterboxed(rgb)
    # Calibrate: class logits scaled to a spread of about 2, shifted so that about 30 anchors score >= 0.25.
    with torch.no_grad():
        raw = TinyYolo11n(1.0, 0.0)(x)
        logits = torch.logit(raw[0, 4:]).max(dim=0).values
        gain = 2.0 / float(logits.std())
        shifted = (logits * gain).sort(descending=True).values
        bias = math.log(0.25 / 0.75) - float(shifted[30])
    model = TinyYolo11n(gain, bias).eval()
    path = os.path.join(folder, "yolo11n.onnx")
    torch.onnx.export(model, x, path, input_names=["images"], output_names=["output0"], opset_version=17)
    onnx.checker.check_model(onnx.load(path), full_check=True)
    limits = limits_of()
    card = {"name": "yolo11n", "version": "8.3.0-test",
            "task": "detection",
            "description": "Test model: Ultralytics yolo11n's exact inputs and outputs with a few hundred random "
                           "weights (src/test/python/make_detection_fixtures.py). Its boxes mean nothing.",
            "input": {"name": "images", "layout": "NCHW", "channels": 3, "colorOrder": "RGB", "width": 640,
                      "height": 640, "resize": "letterbox", "padValue": 114, "dtype": "float32",
                      "scale": 1 / 255},
            "output": {"format": "yolo", "name": "output0", **limits},
            "classNames": COCO}
    with open(os.path.join(folder, "yolo11n.card.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    with torch.no_grad():
        t = model(x)[0].numpy()
    rect = content_rect("letterbox", 640, 480, 640, 640)
    expected = decode_yolo(t, len(COCO), limits, rect, 640, 480)
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump({"generatedBy": "src/test/python/make_detection_fixtures.py", "image": "scene-640x480.png",
                   **expected}, f, indent=1)
        f.write("\n")
    print("yolo11n.onnx", os.path.getsize(path), "bytes;", len(expected["boxes"]), "boxes,",
          len(expected["candidates"]), "candidates, frame score", expected["frameScore"])


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    write_decoding_fixtures()
    write_yolo11n()
