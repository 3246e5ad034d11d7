#!/usr/bin/python3
"""Second stage of the bundled detector: a garment classifier on each proposed box's crop.

Why: the single-stage detector finds garments far better than it names them (class-agnostic
AP@0.5 0.83 against mAP@0.5 0.59 for fashion-detector 1.0.0): its class head shares a
stride-8 feature map with the boxes. A small classifier looking only at the box's pixels,
resampled to 32x32, is the classic remedy (two-stage detectors, R-CNN style) and trains in
minutes on crops of the pre-rendered scenes.

In the exported graph (TwoStageExport) the detector's best class score per anchor is the
objectness; local peaks of it (3x3) are the proposals, the top K of them are cropped from the
input image (RoiAlign) and classified, and each proposal's class scores become
objectness x P(class | crop). Every other anchor scores 0. The output keeps Ultralytics' raw
yolo layout [N, 4+C, A], so the worker decodes it like any YOLO export.

train_detector.py trains it after the detector (--crop-epochs); alone, on the cached scenes:

    /usr/bin/python3 model/crop_classifier.py --epochs 8
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.ops import roi_align

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from detector_net import ExportWrapper  # noqa: E402

CROP = 32            # crop side in pixels
MARGIN = 0.1         # context added on each side of a box, as a share of its size
PROPOSALS = 32       # top-K local peaks classified per image (scenes hold at most 8 garments)
NUM_CLASSES = 10


def cbr(cin, cout, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


HEADS = ("mean", "spatial")


class CropNet(nn.Module):
    """[M,3,32,32] RGB 0..1 -> class logits [M,C]. About 20 MFLOPs a crop.

    head "mean" averages the 8x8 feature map before the linear layer; "spatial" keeps where each
    feature is (flatten + linear, as the bundled Fashion-MNIST classifiers do): a sleeve or a collar
    tells a shirt from a top by its place in the garment, which an average forgets."""

    def __init__(self, width=24, num_classes=NUM_CLASSES, head="mean"):
        super().__init__()
        w = width
        self.spatial = head == "spatial"
        self.features = nn.Sequential(cbr(3, w), cbr(w, w), cbr(w, 2 * w, 2), cbr(2 * w, 2 * w),
                                      cbr(2 * w, 4 * w, 2), cbr(4 * w, 4 * w), cbr(4 * w, 4 * w))
        side = CROP // 4
        self.head = nn.Linear(4 * w * (side * side if self.spatial else 1), num_classes)
        self.dropout = nn.Dropout(0.3 if self.spatial else 0.0)

    def forward(self, x):
        f = self.features(x)
        return self.head(self.dropout(f.flatten(1) if self.spatial else f.mean((2, 3))))


def with_margin(xyxy, margin=MARGIN):
    """Boxes [...,4] grown by `margin` of their size on each side."""
    w = (xyxy[..., 2] - xyxy[..., 0]).unsqueeze(-1)
    h = (xyxy[..., 3] - xyxy[..., 1]).unsqueeze(-1)
    grow = torch.cat([-w, -h, w, h], -1) * margin
    return xyxy + grow


def crops(images, boxes_per_image):
    """images [N,3,H,W], list of [k_i,4] xyxy boxes in input pixels -> [sum k_i,3,CROP,CROP]."""
    return roi_align(images, [with_margin(b) for b in boxes_per_image], output_size=CROP,
                     spatial_scale=1.0, sampling_ratio=2, aligned=False)


class TwoStageExport(ExportWrapper):
    """images [N,3,H,W] RGB 0..1 -> output0 [N, 4+C, A] in Ultralytics' raw yolo layout."""

    def __init__(self, det, cropnet, height, width, proposals=PROPOSALS):
        super().__init__(det, height, width)
        self.cropnet, self.k = cropnet, proposals
        self.classes = cropnet.head.out_features  # the detector may score objectness alone (one logit)

    def forward(self, images):
        logits, ltrb = self.det(images)
        n = images.shape[0]
        objectness = torch.sigmoid(logits).max(1, keepdim=True).values          # [N,1,h,w]
        peak = objectness * (objectness == F.max_pool2d(objectness, 3, 1, 1)).float()
        top, idx = peak.reshape(n, self.anchors).topk(self.k, 1)               # [N,K]
        d = ltrb.reshape(n, 4, self.anchors)
        l, t, r, b = d[:, 0:1], d[:, 1:2], d[:, 2:3], d[:, 3:4]
        xyxy = torch.cat([self.cx - l, self.cy - t, self.cx + r, self.cy + b], 1)   # [N,4,A]
        chosen = xyxy.gather(2, idx.unsqueeze(1).expand(n, 4, self.k))           # [N,4,K]
        rois = with_margin(chosen.permute(0, 2, 1).reshape(-1, 4))              # [N*K,4]
        batch = torch.arange(n, dtype=rois.dtype).unsqueeze(1).expand(n, self.k).reshape(-1, 1)
        patches = roi_align(images, torch.cat([batch, rois], 1), output_size=CROP, spatial_scale=1.0,
                            sampling_ratio=2, aligned=False)
        probs = torch.softmax(self.cropnet(patches), 1).reshape(n, self.k, self.classes)
        scored = (top.unsqueeze(2) * probs).permute(0, 2, 1)                    # [N,C,K]
        scores = torch.zeros(n, self.classes, self.anchors, dtype=scored.dtype)
        scores = scores.scatter(2, idx.unsqueeze(1).expand(n, self.classes, self.k), scored)
        return self.yolo_layout(d, scores)


# -------------------------------------------------------------------------- training
def jitter(boxes, gen):
    """Truth boxes [G,4] moved and resized by up to 10 % of their size, like a proposal would be."""
    g = boxes.shape[0]
    w = (boxes[:, 2] - boxes[:, 0]).unsqueeze(1)
    h = (boxes[:, 3] - boxes[:, 1]).unsqueeze(1)
    size = torch.cat([w, h, w, h], 1)
    return boxes + size * (torch.from_numpy(gen.uniform(-0.1, 0.1, (g, 4))).float())


def batch_crops(imgs, targets, idx, gen, train):
    xs, boxes, labels = [], [], []
    for j in idx:
        im = torch.from_numpy(np.ascontiguousarray(imgs[j])).permute(2, 0, 1).float().div_(255.0)
        t = torch.from_numpy(targets[j])
        if train:
            im = im[torch.from_numpy(gen.permutation(3))]
        xs.append(im)
        b = t[:, 1:5]
        boxes.append(jitter(b, gen) if train else b)
        labels.append(t[:, 0].long())
    x = crops(torch.stack(xs), boxes)
    y = torch.cat(labels)
    if train:
        flip = torch.from_numpy(gen.random(len(y)) < 0.5)
        x[flip] = x[flip].flip(3)
    return x, y


def train(imgs, targets, train_idx, held_idx, epochs, seed, width, lr=3e-3, scenes_per_step=32, log=print,
          partial=None, settings=None, head="mean"):
    """Trains the crop classifier; with `partial` (a path) the state is saved after every epoch and a run killed
    part way goes on from its last finished epoch (each epoch's order and augmentation are seeded by its number)."""
    torch.manual_seed(seed)
    net = CropNet(width, head=head)
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=0.05)
    steps_per_epoch = len(train_idx) // scenes_per_step
    total = steps_per_epoch * epochs
    step = 0
    history = []
    first = 0
    if partial and os.path.exists(partial):
        ck = torch.load(partial)
        if ck.get("settings") == settings:
            net.load_state_dict(ck["model"])
            opt.load_state_dict(ck["opt"])
            first, step, history = ck["epoch"], ck["step"], ck["history"]
            log("crop classifier resumed after epoch %d from %s" % (first, partial))
    for epoch in range(first, epochs):
        gen = np.random.default_rng([seed, 7, epoch])
        perm = gen.permutation(train_idx)
        net.train()
        t0, loss_sum, seen = time.time(), 0.0, 0
        for s in range(steps_per_epoch):
            for g in opt.param_groups:
                g["lr"] = lr * (0.02 + 0.98 * 0.5 * (1 + np.cos(np.pi * step / total)))
            x, y = batch_crops(imgs, targets, perm[s * scenes_per_step:(s + 1) * scenes_per_step], gen, True)
            loss = F.cross_entropy(net(x), y, label_smoothing=0.05)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            loss_sum += loss.item() * len(y)
            seen += len(y)
        acc = accuracy(net, imgs, targets, held_idx)
        history.append({"epoch": epoch + 1, "loss": round(loss_sum / seen, 4), "heldOutAccuracy": round(acc, 4),
                        "seconds": round(time.time() - t0, 1)})
        log("crop classifier epoch %d: loss %.4f, held-out crop accuracy %.4f, %.0f crops/s"
            % (epoch + 1, loss_sum / seen, acc, seen / (time.time() - t0)))
        if partial:
            torch.save({"model": net.state_dict(), "opt": opt.state_dict(), "epoch": epoch + 1, "step": step,
                        "history": history, "settings": settings}, partial + ".tmp")
            os.replace(partial + ".tmp", partial)
    net.eval()
    return net, history


def accuracy(net, imgs, targets, idx):
    if len(idx) == 0:
        return float("nan")
    net.eval()
    right = total = 0
    with torch.no_grad():
        for s in range(0, len(idx), 64):
            x, y = batch_crops(imgs, targets, idx[s:s + 64], None, False)
            right += int((net(x).argmax(1) == y).sum())
            total += len(y)
    return right / total


def train_or_load(imgs, targets, epochs, seed, held_out, path, threads, log, width=24, head="mean"):
    """The crop classifier of checkpoint `path` if it was trained the same way, else trained now and saved."""
    settings = {"epochs": epochs, "seed": seed, "heldOut": held_out, "scenes": len(imgs), "width": width}
    if head != "mean":  # checkpoints of the mean head were written before there was a choice
        settings["head"] = head
    if os.path.exists(path):
        ck = torch.load(path)
        if ck.get("settings") == settings:
            net = CropNet(width, head=head)
            net.load_state_dict(ck["model"])
            log("crop classifier loaded from %s" % path)
            return net.eval(), ck["history"]
    torch.set_num_threads(threads)
    n = len(imgs)
    net, history = train(imgs, targets, np.arange(n - held_out), np.arange(n - held_out, n), epochs, seed, width,
                         log=log, partial=path + ".partial", settings=settings, head=head)
    torch.save({"model": net.state_dict(), "history": history, "settings": settings}, path)
    log("saved %s" % path)
    return net, history


def main():
    import train_detector
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--train-scenes", type=int, default=10000)
    ap.add_argument("--held-out", type=int, default=500, help="last N cached train scenes kept out of training")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--width", type=int, default=24, help="channels of the first convolutions (x2, x4 deeper)")
    ap.add_argument("--head", choices=HEADS, default="mean", help="how the feature map reaches the classes (CropNet)")
    ap.add_argument("--out", default=os.path.join(train_detector.CACHE_DIR, "cropnet.pt"))
    args = ap.parse_args()
    imgs, targets = train_detector.render_cache("train", args.train_scenes, args.seed, 2)
    train_or_load(imgs, targets, args.epochs, args.seed, args.held_out, args.out, args.threads, train_detector.log,
                  args.width, args.head)

if __name__ == "__main__":
    main()
