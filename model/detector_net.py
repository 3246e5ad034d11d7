"""The bundled detector's network, its training loss and its ONNX-facing wrapper.

A small single-stage, anchor-free detector (YOLO-like, one output stride of 8): a plain
conv backbone down to stride 32, a top-down path (FPN-style, addition) back to stride 8,
and per location 4 box distances (left, top, right, bottom from the cell centre, in
input pixels) and C class logits. No objectness: the class scores (sigmoid) are the
detection scores, as in Ultralytics' YOLOv8/11 heads, so the exported graph's output is
exactly Ultralytics' raw layout [N, 4+C, A] (cx, cy, w, h in input pixels, then C scores).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

STRIDE = 8
NUM_CLASSES = 10


def cbr(cin, cout, stride=1, k=3):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, k // 2, bias=False), nn.BatchNorm2d(cout),
                         nn.ReLU(inplace=True))


class Detector(nn.Module):
    def __init__(self, width=16, num_classes=NUM_CLASSES):
        super().__init__()
        w = width
        self.s2 = cbr(3, w, 2)                                            # /2
        self.s4 = nn.Sequential(cbr(w, 2 * w, 2), cbr(2 * w, 2 * w))      # /4
        self.s8 = nn.Sequential(cbr(2 * w, 4 * w, 2), cbr(4 * w, 4 * w), cbr(4 * w, 4 * w))   # /8
        self.s16 = nn.Sequential(cbr(4 * w, 8 * w, 2), cbr(8 * w, 8 * w), cbr(8 * w, 8 * w))  # /16
        self.s32 = nn.Sequential(cbr(8 * w, 8 * w, 2), cbr(8 * w, 8 * w))  # /32
        self.lat16 = cbr(8 * w, 4 * w, k=1)
        self.lat32 = cbr(8 * w, 4 * w, k=1)
        self.lat8 = cbr(4 * w, 4 * w, k=1)
        self.neck = cbr(4 * w, 4 * w)
        self.cls_tower = nn.Sequential(cbr(4 * w, 4 * w), cbr(4 * w, 4 * w))
        self.reg_tower = nn.Sequential(cbr(4 * w, 4 * w))
        self.cls_out = nn.Conv2d(4 * w, num_classes, 1)
        self.reg_out = nn.Conv2d(4 * w, 4, 1)
        nn.init.constant_(self.cls_out.bias, -4.6)  # prior 0.01: few locations hold an object
        nn.init.constant_(self.reg_out.bias, 1.0)

    def forward(self, x):
        """x: [N,3,H,W] RGB 0..1. Returns (class logits [N,C,h,w], ltrb distances [N,4,h,w] in px)."""
        f8 = self.s8(self.s4(self.s2(x)))
        f16 = self.s16(f8)
        f32 = self.s32(f16)
        p16 = self.lat16(f16) + F.interpolate(self.lat32(f32), scale_factor=2.0, mode="nearest")
        p8 = self.neck(self.lat8(f8) + F.interpolate(p16, scale_factor=2.0, mode="nearest"))
        logits = self.cls_out(self.cls_tower(p8))
        ltrb = F.softplus(self.reg_out(self.reg_tower(p8))) * (2 * STRIDE)
        return logits, ltrb


def anchor_centres(h, w, device=None):
    """Cell centres [h*w, 2] (x, y) in input pixels, row-major like the flattened grid."""
    ys = (torch.arange(h, device=device, dtype=torch.float32) + 0.5) * STRIDE
    xs = (torch.arange(w, device=device, dtype=torch.float32) + 0.5) * STRIDE
    yy, xx = torch.meshgrid(ys, xs, indexing="ij")
    return torch.stack([xx.reshape(-1), yy.reshape(-1)], 1)


def ltrb_to_xyxy(ltrb, centres):
    """ltrb [N,4,A], centres [A,2] -> boxes [N,A,4] x1,y1,x2,y2."""
    cx, cy = centres[:, 0], centres[:, 1]
    return torch.stack([cx - ltrb[:, 0], cy - ltrb[:, 1], cx + ltrb[:, 2], cy + ltrb[:, 3]], 2)


class ExportWrapper(nn.Module):
    """images [N,3,H,W] RGB 0..1 -> output0 [N, 4+C, A]: cx, cy, w, h (input px), C sigmoid scores.

    The grid decoding is inside the graph: the cell centres are a constant."""

    def __init__(self, det, height, width):
        super().__init__()
        self.det = det
        c = anchor_centres(height // STRIDE, width // STRIDE)
        self.register_buffer("cx", c[:, 0].reshape(1, 1, -1))
        self.register_buffer("cy", c[:, 1].reshape(1, 1, -1))
        self.classes = det.cls_out.out_channels
        self.anchors = c.shape[0]  # constants, so the exported output shape is static but for N

    def forward(self, images):
        logits, ltrb = self.det(images)
        scores = torch.sigmoid(logits).reshape(-1, self.classes, self.anchors)
        return self.yolo_layout(ltrb.reshape(-1, 4, self.anchors), scores)

    def yolo_layout(self, d, scores):
        """Distances [N,4,A] (left, top, right, bottom) and scores [N,C,A] -> [N,4+C,A]: cx, cy, w, h, scores."""
        l, t, r, b = d[:, 0:1], d[:, 1:2], d[:, 2:3], d[:, 3:4]
        cx = self.cx + (r - l) * 0.5
        cy = self.cy + (b - t) * 0.5
        return torch.cat([cx, cy, l + r, t + b, scores], 1)


# --------------------------------------------------------------------------- loss
def box_iou_giou(a, b):
    """Element-wise IoU and GIoU of boxes a, b [..., 4] (xyxy)."""
    ix1, iy1 = torch.max(a[..., 0], b[..., 0]), torch.max(a[..., 1], b[..., 1])
    ix2, iy2 = torch.min(a[..., 2], b[..., 2]), torch.min(a[..., 3], b[..., 3])
    inter = (ix2 - ix1).clamp(min=0) * (iy2 - iy1).clamp(min=0)
    area_a = (a[..., 2] - a[..., 0]).clamp(min=0) * (a[..., 3] - a[..., 1]).clamp(min=0)
    area_b = (b[..., 2] - b[..., 0]).clamp(min=0) * (b[..., 3] - b[..., 1]).clamp(min=0)
    union = area_a + area_b - inter + 1e-7
    iou = inter / union
    ex1, ey1 = torch.min(a[..., 0], b[..., 0]), torch.min(a[..., 1], b[..., 1])
    ex2, ey2 = torch.max(a[..., 2], b[..., 2]), torch.max(a[..., 3], b[..., 3])
    enclose = (ex2 - ex1) * (ey2 - ey1) + 1e-7
    return iou, iou - (enclose - union) / enclose


def assign(centres, gt_boxes, radius=2.5):
    """Centre sampling: a cell is positive for a truth box if its centre is inside the box and
    within radius*STRIDE of the box centre (the cell holding the box centre always is);
    a cell claimed by several boxes takes the smallest. Returns gt index per cell (-1 = background)."""
    a = centres.shape[0]
    if gt_boxes.shape[0] == 0:
        return torch.full((a,), -1, dtype=torch.long)
    x, y = centres[:, 0:1], centres[:, 1:2]                     # [A,1]
    x1, y1, x2, y2 = gt_boxes[:, 0], gt_boxes[:, 1], gt_boxes[:, 2], gt_boxes[:, 3]
    gcx, gcy = (x1 + x2) / 2, (y1 + y2) / 2
    inside = (x > x1) & (x < x2) & (y > y1) & (y < y2)
    r = radius * STRIDE
    near = ((x - gcx).abs() < r) & ((y - gcy).abs() < r)
    # the cell containing the centre, whatever the box size
    centre_cell = ((x - gcx).abs() <= STRIDE / 2) & ((y - gcy).abs() <= STRIDE / 2)
    cand = (inside & near) | centre_cell                        # [A,G]
    area = ((x2 - x1) * (y2 - y1)).expand(a, -1)
    area = torch.where(cand, area, torch.full_like(area, float("inf")))
    best_area, idx = area.min(1)
    idx[torch.isinf(best_area)] = -1
    return idx


def detection_loss(logits, ltrb, targets, centres, box_weight=2.0):
    """Quality focal loss (soft target = IoU of the predicted box with its truth, at the truth
    class) for the class scores, GIoU loss for the boxes; normalised by the positives.

    targets: list (per image) of float tensors [G,5] (class, x1, y1, x2, y2) in input px.
    With one logit (C = 1) the score is class-agnostic: is there a garment, how well is it boxed."""
    n, c = logits.shape[:2]
    logits = logits.reshape(n, c, -1).permute(0, 2, 1)            # [N,A,C]
    boxes = ltrb_to_xyxy(ltrb.reshape(n, 4, -1), centres)         # [N,A,4]
    soft = torch.zeros_like(logits)
    pos_pred, pos_gt, pos_w = [], [], []
    for i, t in enumerate(targets):
        idx = assign(centres, t[:, 1:5])
        pos = idx >= 0
        if pos.any():
            gt = t[idx[pos]]
            pb = boxes[i][pos]
            iou, _ = box_iou_giou(pb.detach(), gt[:, 1:5])
            # one logit (an objectness for a second stage to name) or one per class
            cls = gt[:, 0].long() if c > 1 else torch.zeros(len(gt), dtype=torch.long)
            soft[i, pos.nonzero()[:, 0], cls] = iou.clamp(min=0.0)
            pos_pred.append(pb)
            pos_gt.append(gt[:, 1:5])
    num_pos = max(1.0, float(sum(len(p) for p in pos_pred)))
    p = torch.sigmoid(logits)
    qfl = F.binary_cross_entropy_with_logits(logits, soft, reduction="none") * (soft - p).abs().pow(2)
    cls_loss = qfl.sum() / num_pos
    if pos_pred:
        _, giou = box_iou_giou(torch.cat(pos_pred), torch.cat(pos_gt))
        box_loss = (1 - giou).sum() / num_pos
    else:
        box_loss = logits.sum() * 0
    return cls_loss + box_weight * box_loss, cls_loss.detach(), box_loss.detach()
