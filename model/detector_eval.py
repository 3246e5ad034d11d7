"""Export, verification and evaluation of the bundled detector (called by train_detector.py).

Everything a frame goes through here is what the Java worker does with the card:
JPEG decode -> letterbox to 320x320 (scale 0.5, padValue 114, centred) -> RGB / 255 ->
output0 -> per anchor the best class and its score -> class-aware NMS -> boxes mapped back to
frame pixels, clipped, boxes without area dropped.

Metrics:
- mAP: COCO-style, per class, 101-point interpolated precision, IoU 0.50 and 0.50:0.05:0.95,
  at most 100 detections per frame (the card's maxDetections), every truth box counts
  (no crowd or area ranges).
- A frame is exact when the boxes >= scoreThreshold match the truth one-to-one at IoU >= 0.5
  with the same class, none missing and none extra (the rule of
  io.labelstream.schemas.boxes.BoxMatching: highest-IoU same-class pairs first, each box once).
- Frame-score candidates are compared on the validation scenes only (AUROC of exact vs not
  exact, share of frames accepted at 0.95 and 0.99 frame exactness).
"""
import io
import json
import math
import os
import platform
import time

import numpy as np
import torch

import crop_classifier
import scenes
from detector_net import ExportWrapper, STRIDE
from train_detector import INPUT, SCALE, PAD_VALUE, decode_jpeg, letterbox_rgb, log

MODEL_NAME = "fashion-detector"
MODEL_VERSION = "1.2.0"
OPSET = 17
NUM_CLASSES = 10
SCORE_THRESHOLD = 0.25        # replaced by the best cut on validation (frame exactness)
IOU_THRESHOLD = 0.45
MAX_DETECTIONS = 100
CANDIDATE_FLOOR = 0.01        # replay files keep candidates down to this score
FRAME_SCORE_FLOOR = 0.05      # docs/detection.md: the frame score uses candidates >= 0.05
REPLAY_FLOOR = 0.05           # the replay files keep the candidates the frame score uses (>= 0.05): ~30 a frame
REPLAY_LINE = ("{scene, width, height, truth: [{classIndex, x, y, w, h}], candidates: [{classIndex, x, y, w, h, "
               "score, classCertainty (class score / sum of the anchor's class scores), scores (10 class scores)}]}; "
               "frame pixels, x/y top-left; candidates after NMS, most confident first")
N_SAMPLES = 64
PAD_Y = (INPUT - int(scenes.HEIGHT * SCALE)) // 2   # 40
PAD_X = (INPUT - int(scenes.WIDTH * SCALE)) // 2    # 0
COVERAGE_THRESHOLDS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99]


# ------------------------------------------------------------------------ inference
def decode_scaled(jpg):
    """The JPEG decoded straight to 320x240 by libjpeg's DCT scaling (1/2), as the Java worker does
    (TurboJpeg: the smallest M/8 scale still detailed enough for a letterbox input)."""
    from PIL import Image
    im = Image.open(io.BytesIO(jpg))
    im.draft("RGB", (int(scenes.WIDTH * SCALE), int(scenes.HEIGHT * SCALE)))
    im = im.convert("RGB")
    assert im.size == (int(scenes.WIDTH * SCALE), int(scenes.HEIGHT * SCALE)), im.size
    return np.asarray(im)


def letterbox(jpg, resize="dct"):
    """Scene JPEG -> [3,320,320] float32 0..1, as the card tells the worker: 'dct' decodes at half
    size (the worker's path), 'bilinear' decodes in full and resizes as the training cache did."""
    small = decode_scaled(jpg) if resize == "dct" else letterbox_rgb(decode_jpeg(jpg))
    x = np.full((INPUT, INPUT, 3), PAD_VALUE, dtype=np.uint8)
    x[PAD_Y:PAD_Y + small.shape[0], PAD_X:PAD_X + small.shape[1]] = small
    return x.transpose(2, 0, 1).astype(np.float32) / 255.0


def iou_matrix(a, b):
    """a [n,4], b [m,4] xyxy -> IoU [n,m]."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)))
    ix = np.clip(np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    iy = np.clip(np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None)
    inter = ix * iy
    aa = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    ab = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / np.maximum(aa[:, None] + ab[None, :] - inter, 1e-9)


def decode(out, floor):
    """One frame's output0 [14, A] -> candidates (the worker's decoding, down to `floor`):
    list of dicts with xyxy in frame pixels, classIndex, score, scores (all class scores)."""
    box, sc = out[:4].T, out[4:].T                       # [A,4], [A,C]
    cls = sc.argmax(1)
    score = sc[np.arange(len(cls)), cls]
    keep = np.where(score >= floor)[0]
    keep = keep[np.argsort(-score[keep], kind="stable")]
    cx, cy, w, h = box[keep].T
    xyxy = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 1)
    # class-aware NMS, most confident first
    chosen = []
    suppressed = np.zeros(len(keep), dtype=bool)
    ious = iou_matrix(xyxy, xyxy)
    for i in range(len(keep)):
        if suppressed[i]:
            continue
        chosen.append(i)  # every candidate, as the worker keeps them for the frame score
        same = cls[keep] == cls[keep[i]]
        suppressed |= same & (ious[i] > IOU_THRESHOLD)
    res = []
    for i in chosen:
        x1, y1, x2, y2 = xyxy[i]
        fx1 = np.clip((x1 - PAD_X) / SCALE, 0, scenes.WIDTH)
        fy1 = np.clip((y1 - PAD_Y) / SCALE, 0, scenes.HEIGHT)
        fx2 = np.clip((x2 - PAD_X) / SCALE, 0, scenes.WIDTH)
        fy2 = np.clip((y2 - PAD_Y) / SCALE, 0, scenes.HEIGHT)
        if fx2 <= fx1 or fy2 <= fy1:
            continue
        a = keep[i]
        res.append({"classIndex": int(cls[a]), "box": np.array([fx1, fy1, fx2, fy2]),
                    "score": float(score[a]), "scores": sc[a].astype(np.float64)})
    return res


def run_split(wrapper, split, count, seed, batch=32, flip=False, resize="dct"):
    """(truth, candidates, flipped candidates or None) for scenes 0..count-1 of a split."""
    data = scenes.load_split(split)
    truth, cands, fcands = [], [], []
    t0 = time.time()
    for s in range(0, count, batch):
        xs = []
        for i in range(s, min(count, s + batch)):
            jpg, boxes = scenes.scene_jpeg(split, i, seed, data)
            xs.append(letterbox(jpg, resize))
            truth.append([{"classIndex": b["classIndex"],
                           "box": np.array([b["x"], b["y"], b["x"] + b["w"], b["y"] + b["h"]], float)}
                          for b in boxes])
        x = torch.from_numpy(np.stack(xs))
        with torch.no_grad():
            out = wrapper(x).numpy()
            fout = wrapper(torch.flip(x, [3])).numpy() if flip else None
        for k in range(len(xs)):
            cands.append(decode(out[k], CANDIDATE_FLOOR))
            if flip:
                fc = decode(fout[k], CANDIDATE_FLOOR)
                for c in fc:  # mirror back into the frame
                    x1, y1, x2, y2 = c["box"]
                    c["box"] = np.array([scenes.WIDTH - x2, y1, scenes.WIDTH - x1, y2])
                fcands.append(fc)
    log("ran %d %s scenes in %.0f s" % (count, split, time.time() - t0))
    return truth, cands, (fcands if flip else None)


# -------------------------------------------------------------------------- metrics
def match(expected, actual):
    """BoxMatching's rule: same-class pairs at IoU >= 0.5, highest IoU first, each box once.
    Returns (pairs [(i, j, iou)], missing count, extra count)."""
    pairs = []
    for i, e in enumerate(expected):
        for j, a in enumerate(actual):
            if e["classIndex"] == a["classIndex"]:
                v = iou_matrix(e["box"][None], a["box"][None])[0, 0]
                if v >= 0.5:
                    pairs.append((v, i, j))
    pairs.sort(key=lambda p: -p[0])
    used_e, used_a, out = set(), set(), []
    for v, i, j in pairs:
        if i not in used_e and j not in used_a:
            used_e.add(i)
            used_a.add(j)
            out.append((i, j, v))
    return out, len(expected) - len(out), len(actual) - len(out)


def is_exact(truth, cands, cut):
    kept = [c for c in cands if c["score"] >= cut]
    _, missing, extra = match(truth, kept)
    return missing == 0 and extra == 0


def average_precision(truth, cands, cls, thr):
    """COCO AP of one class at one IoU threshold (101-point interpolation)."""
    dets, n_gt = [], 0
    for f, (t, c) in enumerate(zip(truth, cands)):
        n_gt += sum(1 for b in t if b["classIndex"] == cls)
        dets += [(d["score"], f, d["box"]) for d in c if d["classIndex"] == cls]
    if n_gt == 0:
        return None
    dets.sort(key=lambda d: -d[0])
    used = {}
    tp = np.zeros(len(dets))
    for k, (s, f, box) in enumerate(dets):
        gts = [b["box"] for b in truth[f] if b["classIndex"] == cls]
        if not gts:
            continue
        ious = iou_matrix(box[None], np.stack(gts))[0]
        u = used.setdefault(f, np.zeros(len(gts), dtype=bool))
        ious = np.where(u, -1, ious)
        j = int(np.argmax(ious))
        if ious[j] >= thr:
            u[j] = True
            tp[k] = 1
    ctp = np.cumsum(tp)
    recall = ctp / n_gt
    precision = ctp / np.arange(1, len(dets) + 1)
    precision = np.maximum.accumulate(precision[::-1])[::-1] if len(precision) else precision
    ap = 0.0
    for r in np.linspace(0, 1, 101):
        k = np.searchsorted(recall, r, side="left")
        ap += precision[k] if k < len(precision) else 0.0
    return ap / 101


def agnostic_ap50(truth, cands):
    """AP@0.5 with every class taken as one: how well the boxes are found, whatever they are called."""
    one = lambda frames: [[dict(b, classIndex=0) for b in f] for f in frames]
    return round(average_precision(one(truth), one(cands), 0, 0.5), 4)


def map_table(truth, cands):
    thrs = np.linspace(0.5, 0.95, 10)
    per = {}
    for c in range(NUM_CLASSES):
        aps = [average_precision(truth, cands, c, t) for t in thrs]
        per[scenes.CLASS_NAMES[c]] = {"ap50": round(aps[0], 4), "ap50_95": round(float(np.mean(aps)), 4),
                                      "truthBoxes": sum(1 for t in truth for b in t if b["classIndex"] == c)}
    return {"mAP50": round(float(np.mean([v["ap50"] for v in per.values()])), 4),
            "mAP50_95": round(float(np.mean([v["ap50_95"] for v in per.values()])), 4),
            "perClass": per}


def auroc(score, positive):
    order = np.argsort(score, kind="mergesort")
    s = score[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[i:j + 1] = (i + j) / 2 + 1
        i = j + 1
    r = np.empty(len(s))
    r[order] = ranks
    n1 = int(positive.sum())
    n0 = len(positive) - n1
    return float((r[positive].sum() - n1 * (n1 + 1) / 2) / max(1, n1 * n0))


def best_share(score, exact, target):
    """Largest share of frames accepted (score >= cut) whose exactness is >= target."""
    order = np.argsort(-score, kind="stable")
    s, e = score[order], exact[order].astype(float)
    cum = np.cumsum(e) / np.arange(1, len(e) + 1)
    valid = np.append(s[1:] < s[:-1], True)
    ok = np.where(valid & (cum >= target))[0]
    if len(ok) == 0:
        return {"target": target, "share": 0.0, "threshold": None, "exactness": None}
    k = int(ok[-1]) + 1
    return {"target": target, "share": round(k / len(s), 4), "threshold": float(s[k - 1]),
            "exactness": round(float(cum[k - 1]), 4), "frames": k}


def _betacf(a, b, x):
    """Continued fraction of the regularized incomplete beta function (Lentz's method)."""
    tiny, qab, qap, qam = 1e-300, a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 400):
        m2 = 2 * m
        for aa in (m * (b - m) * x / ((qam + m2) * (a + m2)), -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))):
            d = 1.0 + aa * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + aa / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-12:
            break
    return h


def beta_cdf(x, a, b):
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def error_upper_bound(errors, n, confidence=0.95):
    """Clopper-Pearson upper bound on an error rate, continued to a non-integer error count as the review
    service's ExactBinomial.upperBound does: the `confidence` quantile of Beta(errors + 1, n - errors)."""
    if n <= 0:
        return 1.0
    if errors >= n:
        return 1.0
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if beta_cdf(mid, errors + 1.0, n - errors) < confidence:
            lo = mid
        else:
            hi = mid
    return hi


def frame_grid():
    """The review policy's thresholds for a detector's frame score (ScoreGrid.frames()), highest first."""
    near_one = [round(1 - 10 ** -(4.0 - 0.02 * i), 6) for i in range(186)]
    below_half = [round(10 ** -(0.32 + 0.02 * i), 6) for i in range(135)]
    return list(dict.fromkeys(near_one + below_half))


def reachable_target(score, exact, min_share=0.2, min_evidence=300, validation_weight=0.5, confidence=0.95):
    """The highest frame exactness, in steps of 0.01, at which the review policy (review-service
    ThresholdController) lets the model label at least `min_share` of the frames from these validation frames
    alone: its walk starts at the highest threshold of its grid whose region holds min_evidence frames, opens
    there if the region's lower bound clears the target and goes down the grid while it does; a validation frame
    counts validation_weight of a stream frame in the bound (errors and items alike), which is Clopper-Pearson at
    the given confidence. That is the card's frameExactnessTarget, chosen on validation only.

    Why a share and not merely the highest target at which the policy opens: with 6,000 validation scenes the
    first region of 300 is the scenes where the model sees nothing at all (all exact), so the policy would open
    at 0.98 and label only empty frames; the default should be a promise about boxes at which the model takes a
    useful part of the work (a fifth of the frames) off people."""
    exact = np.asarray(exact, dtype=bool)
    grid = frame_grid()
    regions = [score >= t for t in grid]
    counts = [int(sel.sum()) for sel in regions]
    start = next((i for i, k in enumerate(counts) if k >= min_evidence), None)
    if start is None:
        return None, None

    def bound(sel):
        errors = float((~exact[sel]).sum()) * validation_weight
        items = int(round(int(sel.sum()) * validation_weight))
        return 1.0 - error_upper_bound(errors, items, confidence)

    # The walk stops at its first failure, so at a target T it accepts every region up to the last one whose
    # bound, and every bound before it, clears T: the running minimum of the bounds along the grid.
    walked = np.minimum.accumulate([bound(sel) for sel in regions[start:]])
    enough = next((j for j, k in enumerate(counts[start:]) if k >= min_share * len(score)), None)
    if enough is None or walked[enough] < 0.5:
        return None, None
    target = min(0.99, math.floor(round(walked[enough] * 100, 9)) / 100)
    last = start + int(np.nonzero(walked >= target)[0][-1])
    sel, k = regions[last], counts[last]
    return target, {"threshold": grid[last], "frames": k, "share": round(k / len(score), 4),
                    "exactness": round(float(exact[sel].mean()), 4), "lowerBound": round(bound(sel), 4),
                    "minShare": min_share}


def frame_score_product(cands):
    return float(np.prod([max(c["score"], 1 - c["score"]) for c in cands if c["score"] >= FRAME_SCORE_FLOOR]))


def cut_certainty(s, cut):
    """How sure the keep-or-drop decision at `cut` is: 0.5 at the cut, 1 at score 0 or 1, linear in between."""
    return 0.5 + 0.5 * ((s - cut) / (1 - cut) if s >= cut else (cut - s) / cut)


def class_certainty(c):
    """A candidate's class score over the sum of its anchor's class scores (FrameScore.classCertainty): from its
    scores as decode gives them, or as a replay file states it (1 where it does not)."""
    if "classCertainty" in c:
        return c["classCertainty"]
    p = c.get("scores")
    if p is None:
        return 1.0
    total, best = float(np.sum(p)), float(np.max(p))
    return min(1.0, best / total) if total > 0 and best > 0 else 1.0


def frame_score(cands, cut, class_power=1.0):
    """The frame score the worker routes on (FrameScore): the product over the candidates >= 0.05 of how sure each
    keep-or-drop decision at the cut-off is, times the class certainty of each kept box (to `class_power`: 1 in the
    worker; 0 is the frame score until stop 38, 0.5 and 2 are the candidates it was chosen over)."""
    return float(np.prod([cut_certainty(c["score"], cut) * (class_certainty(c) ** class_power if c["score"] >= cut
                                                             else 1.0)
                          for c in cands if c["score"] >= FRAME_SCORE_FLOOR]))


def frame_score_min(cands):
    v = [max(c["score"], 1 - c["score"]) for c in cands if c["score"] >= FRAME_SCORE_FLOOR]
    return float(min(v)) if v else 1.0


def frame_score_margin(cands, cut):
    """Class margin (best minus second class score) of the most ambiguous kept box."""
    kept = [c for c in cands if c["score"] >= cut]
    if not kept:
        return 1.0
    worst = min(kept, key=lambda c: max(c["score"], 1 - c["score"]))
    s = np.sort(worst["scores"])[::-1]
    return float(s[0] - s[1])


def frame_score_min_margin(cands, cut):
    kept = [c for c in cands if c["score"] >= cut]
    if not kept:
        return 1.0
    return float(min(np.sort(c["scores"])[::-1][0] - np.sort(c["scores"])[::-1][1] for c in kept))


def frame_score_band(cands, cut, half=0.15):
    """Minus the number of candidates within +-half of the cut-off (fewer is surer)."""
    return -float(sum(1 for c in cands if abs(c["score"] - cut) < half))


def frame_score_tta(cands, fcands, cut):
    """Agreement of the kept boxes with those of the horizontally flipped frame: 0 unless they
    match one-to-one (IoU >= 0.5, same class), then the smallest IoU of the pairs."""
    a = [c for c in cands if c["score"] >= cut]
    b = [c for c in fcands if c["score"] >= cut]
    pairs, missing, extra = match(a, b)
    if missing or extra:
        return 0.0
    return float(min([p[2] for p in pairs], default=1.0))


FLIP_ROWS = ("horizontal-flip TTA: kept boxes match one-to-one, smallest pair IoU",
             "product of the cut-off certainty alone x flip-TTA agreement")


def frame_score_candidates(vc, v_exact, cut, vf=None):
    """The frame-score candidates compared on the validation scenes: AUROC of exact vs not, and the share a single
    cut accepts at 0.95 and 0.99 exactness. The flip-TTA rows need the flipped runs (`vf`); without them they are
    left out (refresh_card keeps them from the card)."""
    cut_only = np.array([frame_score(c, cut, 0.0) for c in vc])
    candidates = {
        "product over candidates >= 0.05 of the certainty about the cut-off (0.5 at it, 1 at 0 or 1) x the class "
        "certainty of each kept box (class score / sum of its anchor's class scores) (current)":
            np.array([frame_score(c, cut) for c in vc]),
        "the same with the class certainty squared": np.array([frame_score(c, cut, 2.0) for c in vc]),
        "the same with the square root of the class certainty": np.array([frame_score(c, cut, 0.5) for c in vc]),
        "product of the certainty about the cut-off alone (until 2026-12-05, stop 38)": cut_only,
        "product of max(s,1-s) over candidates >= 0.05 (until 2026-12-05)": np.array([frame_score_product(c) for c in vc]),
        "min over candidates >= 0.05 of max(s,1-s)": np.array([frame_score_min(c) for c in vc]),
        "class margin of the most ambiguous kept box": np.array([frame_score_margin(c, cut) for c in vc]),
        "smallest class margin of the kept boxes": np.array([frame_score_min_margin(c, cut) for c in vc]),
        "minus the count of candidates within 0.15 of the cut-off":
            np.array([frame_score_band(c, cut) for c in vc]),
    }
    if vf is not None:
        tta = np.array([frame_score_tta(c, f, cut) for c, f in zip(vc, vf)])
        candidates[FLIP_ROWS[0]] = tta
        candidates[FLIP_ROWS[1]] = cut_only * tta
    table = []
    for name, s in candidates.items():
        row = {"score": name, "auroc": round(auroc(s, v_exact), 4),
               "at95": best_share(s, v_exact, 0.95), "at99": best_share(s, v_exact, 0.99)}
        table.append(row)
        log("  %-75s AUROC %.4f share@0.95 %.4f share@0.99 %.4f"
            % (name[:75], row["auroc"], row["at95"]["share"], row["at99"]["share"]))
    return table


def coverage_curve(score, exact):
    rows = []
    for t in COVERAGE_THRESHOLDS:
        sel = score >= t
        k = int(sel.sum())
        rows.append({"threshold": t, "accepted": round(k / len(score), 4),
                     "exact": round(float(exact[sel].mean()), 4) if k else None, "frames": k})
    return rows


def frame_exactness(vt, vc, tt, tc, cut):
    """(frameExactnessTarget, the card's frameExactness figures) for validation and test scenes: truth and
    candidates as run_split gives them, or as the replay files hold them."""
    v_exact = np.array([is_exact(t, c, cut) for t, c in zip(vt, vc)])
    t_exact = np.array([is_exact(t, c, cut) for t, c in zip(tt, tc)])
    v_score = np.array([frame_score(c, cut) for c in vc])
    t_score = np.array([frame_score(c, cut) for c in tc])
    target, reachable = reachable_target(v_score, v_exact)
    log("frame exactness reachable on validation evidence: %s %s" % (target, reachable))
    val_cut95 = best_share(v_score, v_exact, 0.95)
    val_cut99 = best_share(v_score, v_exact, 0.99)

    def at_cut(score, exact, c):
        if c is None:
            return None
        sel = score >= c
        return {"threshold": c, "accepted": round(float(sel.mean()), 4),
                "exact": round(float(exact[sel].mean()), 4) if sel.any() else None}

    return target, {
        "exact": "the boxes >= scoreThreshold match the truth one-to-one at IoU >= 0.5 with the same class, "
                 "none missing, none extra (BoxMatching)",
        "validationExactShare": round(float(v_exact.mean()), 4),
        "testExactShare": round(float(t_exact.mean()), 4),
        "frameScore": "product over the candidates (after NMS, score >= %g) of the certainty of each keep-or-drop "
                      "decision at scoreThreshold (0.5 at it, rising linearly to 1 at score 0 or 1), times, for each "
                      "kept box, its class certainty: its class score over the sum of its anchor's class scores "
                      "(FrameScore)" % FRAME_SCORE_FLOOR,
        "coverage": {"validation": coverage_curve(v_score, v_exact), "test": coverage_curve(t_score, t_exact)},
        "validationCutAt95": val_cut95, "validationCutAt99": val_cut99,
        "reachableTarget": reachable,
        "testAtValidationCut95": at_cut(t_score, t_exact, val_cut95["threshold"]),
        "testAtValidationCut99": at_cut(t_score, t_exact, val_cut99["threshold"]),
        "testBestCutAt95": best_share(t_score, t_exact, 0.95),
        "testBestCutAt99": best_share(t_score, t_exact, 0.99),
    }


def read_replay(path):
    """(truth, candidates) of a replay file, in run_split's form."""
    truth, cands = [], []
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            truth.append([{"classIndex": b["classIndex"], "box": np.array([b["x"], b["y"], b["x"] + b["w"],
                                                                          b["y"] + b["h"]], float)}
                          for b in r["truth"]])
            cands.append([dict({"classIndex": b["classIndex"], "score": b["score"], "scores": np.array(b["scores"]),
                                "box": np.array([b["x"], b["y"], b["x"] + b["w"], b["y"] + b["h"]], float)},
                               **({"classCertainty": b["classCertainty"]} if "classCertainty" in b else {}))
                          for b in r["candidates"]])
    return truth, cands


def rerun_replays(model, cropnet, args):
    """Runs the released detector again (its training checkpoints) on args.validation_scenes validation and
    args.test_scenes test scenes and rewrites the replay files, then refreshes the card from them: more validation
    evidence, or a field the replay lines lacked, without retraining. Every scene the committed replay files already
    hold must come out with the same candidates (boxes within 0.11 px, scores within 2e-5: the files' rounding),
    which shows the checkpoints are the released model; the flip-TTA candidates and the mAP figures (measured on
    the scenes of the training run) are kept."""
    out = args.out
    wrapper = crop_classifier.TwoStageExport(model.eval(), cropnet.eval(), INPUT, INPUT).eval()
    for split, count in (("validation", args.validation_scenes), ("test", args.test_scenes)):
        path = os.path.join(out, "%s.%s.jsonl" % (MODEL_NAME, split))
        _, committed = read_replay(path)
        truth, cands, _ = run_split(wrapper, split, count, args.seed)
        for i, (old, new) in enumerate(zip(committed, cands)):
            new = [c for c in new if c["score"] >= REPLAY_FLOOR]
            same = len(old) == len(new) and all(
                o["classIndex"] == n["classIndex"] and abs(o["score"] - n["score"]) <= 2e-5
                and np.abs(o["box"] - n["box"]).max() <= 0.11 for o, n in zip(old, new))
            if not same:
                raise SystemExit("%s scene %d: the checkpoints' candidates are not the committed replay's; "
                                 "they are not the released model" % (split, i))
        log("%s: the %d committed scenes agree; writing %d" % (split, min(len(committed), count), count))
        write_jsonl(path, truth, cands, REPLAY_FLOOR)
    card_path = os.path.join(out, MODEL_NAME + ".card.json")
    with open(card_path) as f:
        card = json.load(f)
    card["evaluation"].setdefault("measuredOnScenes", {
        "validation": card["trainingData"]["validationScenes"], "test": card["trainingData"]["testScenes"],
        "why": "mAP and the flip-TTA frame-score candidates come from the training run, on the first scenes of each "
               "split; the replay files (and every figure refreshed from them) may hold more"})
    card["trainingData"]["validationScenes"] = args.validation_scenes
    card["trainingData"]["testScenes"] = args.test_scenes
    with open(card_path, "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    refresh_card(out)


def refresh_card(model_dir):
    """Recomputes the card's frame-exactness figures, target and frame-score candidates from the committed replay
    files, for a change of the frame score or of the policy's evidence rule without retraining. The flip-TTA
    candidates (they need the flipped runs) and the cut-off choice are kept; everything else of the card is left as
    it is."""
    card_path = os.path.join(model_dir, MODEL_NAME + ".card.json")
    with open(card_path) as f:
        card = json.load(f)
    cut = card["output"]["scoreThreshold"]
    vt, vc = read_replay(os.path.join(model_dir, card["replayFiles"]["validation"]))
    tt, tc = read_replay(os.path.join(model_dir, card["replayFiles"]["test"]))
    target, figures = frame_exactness(vt, vc, tt, tc, cut)
    kept = {k: card["frameExactness"][k] for k in ("scoreThresholdChoice", "validationExactShareByScoreThreshold",
                                                    "frameScoreCandidatesValidation")}
    v_exact = np.array([is_exact(t, c, cut) for t, c in zip(vt, vc)])
    old_rows = {r["score"]: r for r in kept["frameScoreCandidatesValidation"]["table"]}
    table = frame_score_candidates(vc, v_exact, cut)
    table += [dict(old_rows[name], score=name) for name in FLIP_ROWS if name in old_rows]
    measured_on = "the %d validation scenes only (the test scenes were not used to choose)" % len(vc)
    flip_scenes = card["evaluation"].get("measuredOnScenes", {}).get("validation", len(vc))
    if flip_scenes != len(vc):
        measured_on += "; the flip-TTA rows on the first %d, from the training run" % flip_scenes
    kept["frameScoreCandidatesValidation"] = dict(kept["frameScoreCandidatesValidation"], table=table,
                                                  measuredOn=measured_on)
    card["replayFiles"] = dict(card["replayFiles"], line=REPLAY_LINE,
                               validationBytes=os.path.getsize(os.path.join(model_dir, card["replayFiles"]["validation"])),
                               testBytes=os.path.getsize(os.path.join(model_dir, card["replayFiles"]["test"])))
    card["frameExactness"] = dict(figures, **kept)
    if target is None:
        card.pop("frameExactnessTarget", None)
    else:
        card["frameExactnessTarget"] = target
    with open(card_path, "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    log("refreshed %s: frameExactnessTarget %s" % (card_path, target))


def readme_tables(card):
    """The model README's result tables (mAP per class, coverage by frame score, frame-score candidates) in
    Markdown, from a card: what `--tables` prints, so the README says what the card measured."""
    ev, fe = card["evaluation"], card["frameExactness"]
    out = []
    views = [("each proposal for its best class, the boxes the worker writes", ev)]
    if "everyClass" in ev:  # measured by `./labelstream model check` (docs/detection.md)
        views.insert(0, ("each proposal for every class scoring >= 0.001, as detection benchmarks count",
                         ev["everyClass"]))
    for title, figures in views:
        out += ([""] if out else []) + ["*%s*" % title, "",
                "| class | AP@0.5 validation | AP@0.5 test | AP@0.5:0.95 validation | AP@0.5:0.95 test | test boxes |",
                "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for name in card["classNames"]:
            v, t = figures["validation"]["perClass"][name], figures["test"]["perClass"][name]
            out.append("| %s | %.4f | %.4f | %.4f | %.4f | %d |" % (name, v["ap50"], t["ap50"], v["ap50_95"],
                                                                   t["ap50_95"], t["truthBoxes"]))
        out.append("| **mean** | **%.4f** | **%.4f** | **%.4f** | **%.4f** | |" % (
            figures["validation"]["mAP50"], figures["test"]["mAP50"], figures["validation"]["mAP50_95"],
            figures["test"]["mAP50_95"]))
    if "classAgnosticAP50" in ev:
        out += ["", "Class-agnostic AP@0.5 (every box as one class): validation %.4f, test %.4f."
                % (ev["classAgnosticAP50"]["validation"], ev["classAgnosticAP50"]["test"])]
    fmt = lambda x: "-" if x is None else "%.4f" % x
    out += ["", "| threshold | validation accepted | validation exact | test accepted | test exact |",
            "| ---: | ---: | ---: | ---: | ---: |"]
    for v, t in zip(fe["coverage"]["validation"], fe["coverage"]["test"]):
        out.append("| %s | %.4f | %s | %.4f | %s |" % (v["threshold"], v["accepted"], fmt(v["exact"]), t["accepted"],
                                                      fmt(t["exact"])))
    out += ["", "| frame score | AUROC exact vs not | share accepted at 0.95 exact | share accepted at 0.99 exact |",
            "| --- | ---: | ---: | ---: |"]
    for row in fe["frameScoreCandidatesValidation"]["table"]:
        out.append("| %s | %.4f | %.4f | %.4f |" % (row["score"], row["auroc"], row["at95"]["share"],
                                                    row["at99"]["share"]))
    return "\n".join(out)


# --------------------------------------------------------------------- ONNX export
def _conv2d(x, w, b, pads, strides):
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (x.shape[2] - kh) // strides[0] + 1
    ow = (x.shape[3] - kw) // strides[1] + 1
    out = np.zeros((n, m, oh, ow))
    for i in range(kh):
        for j in range(kw):
            patch = x[:, :, i:i + strides[0] * oh:strides[0], j:j + strides[1] * ow:strides[1]]
            out += np.einsum("nchw,mc->nmhw", patch, w[:, :, i, j], optimize=True)
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out


def numpy_reference_run(model, feeds):
    """Small independent float64 interpreter for the ops this graph uses (Debian's onnx 1.12
    has no ReferenceEvaluator and onnxruntime is not packaged); unknown ops raise."""
    from onnx import numpy_helper, helper
    env = {k: np.asarray(v, dtype=np.float64) for k, v in feeds.items()}
    for init in model.graph.initializer:
        arr = numpy_helper.to_array(init)
        env[init.name] = arr.astype(np.float64) if arr.dtype.kind == "f" else arr
    for node in model.graph.node:
        a = {at.name: helper.get_attribute_value(at) for at in node.attribute}
        ins = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Constant":
            arr = numpy_helper.to_array(a["value"])
            out = arr.astype(np.float64) if arr.dtype.kind == "f" else arr
        elif op == "Conv":
            assert a.get("group", 1) == 1 and list(a.get("dilations", [1, 1])) == [1, 1]
            out = _conv2d(ins[0], ins[1], ins[2] if len(ins) > 2 else None,
                          list(a.get("pads", [0, 0, 0, 0])), list(a.get("strides", [1, 1])))
        elif op == "Relu":
            out = np.maximum(ins[0], 0)
        elif op == "Add":
            out = ins[0] + ins[1]
        elif op == "Sub":
            out = ins[0] - ins[1]
        elif op == "Mul":
            out = ins[0] * ins[1]
        elif op == "Div":
            out = ins[0] / ins[1]
        elif op == "Sigmoid":
            out = 1 / (1 + np.exp(-ins[0]))
        elif op == "Softplus":
            out = np.logaddexp(0, ins[0])
        elif op == "Resize":
            assert a.get("mode", b"nearest") in (b"nearest", "nearest")
            scales = ins[2]
            assert scales is not None and len(scales) == 4 and scales[0] == 1 and scales[1] == 1
            out = np.repeat(np.repeat(ins[0], int(scales[2]), 2), int(scales[3]), 3)
        elif op == "Shape":
            out = np.array(ins[0].shape, dtype=np.int64)
        elif op == "Gather":
            out = np.take(ins[0], ins[1].astype(np.int64), axis=a.get("axis", 0))
        elif op == "Unsqueeze":
            out = ins[0]
            for ax in sorted(int(v) for v in ins[1]):
                out = np.expand_dims(out, ax)
        elif op == "Concat":
            out = np.concatenate([np.asarray(v) for v in ins], axis=a["axis"])
        elif op == "Reshape":
            shape = [int(s) for s in ins[1]]
            shape = [ins[0].shape[i] if s == 0 else s for i, s in enumerate(shape)]
            out = ins[0].reshape(shape)
        elif op == "Slice":
            starts, ends = ins[1].astype(int), ins[2].astype(int)
            axes = ins[3].astype(int) if len(ins) > 3 and ins[3] is not None else range(len(starts))
            steps = ins[4].astype(int) if len(ins) > 4 and ins[4] is not None else [1] * len(starts)
            sl = [slice(None)] * ins[0].ndim
            for s, e, ax, st in zip(starts, ends, axes, steps):
                sl[ax] = slice(s, min(e, ins[0].shape[ax]), st)
            out = ins[0][tuple(sl)]
        elif op in _SECOND_STAGE_OPS:
            out = _SECOND_STAGE_OPS[op](ins, a)
        else:
            raise NotImplementedError("numpy reference: op %s not implemented" % op)
        for name, val in zip(node.output, out if isinstance(out, tuple) else (out,)):
            env[name] = val
    return [env[o.name] for o in model.graph.output]


def _maxpool(ins, a):
    x = ins[0]
    kh, kw = a["kernel_shape"]
    pt, pl, pb, pr = a.get("pads", [0, 0, 0, 0])
    assert list(a.get("strides", [1, 1])) == [1, 1]
    xp = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)), constant_values=-np.inf)
    oh, ow = xp.shape[2] - kh + 1, xp.shape[3] - kw + 1
    return np.max([xp[:, :, i:i + oh, j:j + ow] for i in range(kh) for j in range(kw)], axis=0)


def _cast(ins, a):
    to = {1: np.float64, 6: np.int32, 7: np.int64, 9: np.bool_, 11: np.float64}[a["to"]]
    return ins[0].astype(to)


def _topk(ins, a):
    axis, k = a.get("axis", -1), int(ins[1].reshape(-1)[0])
    assert a.get("largest", 1) == 1
    idx = np.take(np.argsort(-ins[0], axis=axis, kind="stable"), np.arange(k), axis=axis)
    return np.take_along_axis(ins[0], idx, axis), idx.astype(np.int64)


def _scatter_elements(ins, a):
    out = ins[0].copy()
    np.put_along_axis(out, ins[1].astype(np.int64), ins[2], a.get("axis", 0))
    return out


def _sampling_weights(start, bin_size, bins, grid, size):
    """RoiAlign's bilinear sample points along one axis as a [bins * grid, size] weight matrix
    (ONNX / torchvision rules: points beyond -1 or size give 0, others clamp to the edge)."""
    pts = start + (np.arange(bins * grid) + 0.5) * bin_size / grid
    w = np.zeros((len(pts), size))
    for i, p in enumerate(pts):
        if p < -1.0 or p > size:
            continue
        p = max(p, 0.0)
        lo = int(p)
        if lo >= size - 1:
            w[i, size - 1] = 1.0
            continue
        w[i, lo] += 1 - (p - lo)
        w[i, lo + 1] += p - lo
    return w


def _roi_align(ins, a):
    """RoiAlign, mode avg, coordinate_transformation_mode output_half_pixel (torchvision aligned=False)."""
    x, rois, batch = ins[0], ins[1], ins[2].astype(np.int64)
    assert a.get("mode", b"avg") in (b"avg", "avg")
    assert a.get("coordinate_transformation_mode", b"half_pixel") in (b"output_half_pixel", "output_half_pixel")
    oh, ow, scale, ratio = a["output_height"], a["output_width"], a["spatial_scale"], a["sampling_ratio"]
    assert ratio > 0
    out = np.zeros((len(rois), x.shape[1], oh, ow))
    for r, (x1, y1, x2, y2) in enumerate(rois * scale):
        rw, rh = max(x2 - x1, 1.0), max(y2 - y1, 1.0)
        wy = _sampling_weights(y1, rh / oh, oh, ratio, x.shape[2])
        wx = _sampling_weights(x1, rw / ow, ow, ratio, x.shape[3])
        s = np.einsum("yh,chw,xw->cyx", wy, x[batch[r]], wx)
        out[r] = s.reshape(x.shape[1], oh, ratio, ow, ratio).mean((2, 4))
    return out


def _reduce(fn):
    return lambda ins, a: fn(ins[0], axis=tuple(a["axes"]), keepdims=bool(a.get("keepdims", 1)))


def _softmax(ins, a):
    e = np.exp(ins[0] - ins[0].max(axis=a.get("axis", -1), keepdims=True))
    return e / e.sum(axis=a.get("axis", -1), keepdims=True)


def _gemm(ins, a):
    x = ins[0].T if a.get("transA", 0) else ins[0]
    w = ins[1].T if a.get("transB", 0) else ins[1]
    return a.get("alpha", 1.0) * x @ w + (a.get("beta", 1.0) * ins[2] if len(ins) > 2 else 0)


def _constant_of_shape(ins, a):
    from onnx import numpy_helper
    value = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1)
    return np.full([int(d) for d in ins[0]], value.reshape(-1)[0],
                   dtype=np.float64 if value.dtype.kind == "f" else value.dtype)


# The ops of the second stage (crop_classifier.TwoStageExport): proposals, RoiAlign, crop classifier.
_SECOND_STAGE_OPS = {
    "MaxPool": _maxpool,
    "Equal": lambda ins, a: ins[0] == ins[1],
    "Cast": _cast,
    "ReduceMax": _reduce(np.max),
    "ReduceMean": _reduce(np.mean),
    "TopK": _topk,
    "GatherElements": lambda ins, a: np.take_along_axis(ins[0], ins[1].astype(np.int64), a.get("axis", 0)),
    "Expand": lambda ins, a: ins[0] * np.ones([int(d) for d in ins[1]], dtype=ins[0].dtype),
    "Range": lambda ins, a: np.arange(ins[0], ins[1], ins[2]),
    "RoiAlign": _roi_align,
    "Softmax": _softmax,
    "Gemm": _gemm,
    "ScatterElements": _scatter_elements,
    "ConstantOfShape": _constant_of_shape,
    "Where": lambda ins, a: np.where(ins[0], ins[1], ins[2]),
    "Neg": lambda ins, a: -ins[0],
    "Squeeze": lambda ins, a: np.squeeze(ins[0], axis=tuple(int(v) for v in ins[1])) if len(ins) > 1
    else np.squeeze(ins[0]),
    "Transpose": lambda ins, a: np.transpose(ins[0], a.get("perm")),
    "Identity": lambda ins, a: ins[0],
}


def export_onnx(wrapper, path, sample_x):
    import onnx
    wrapper.eval()
    dummy = torch.from_numpy(sample_x[:2])
    torch.onnx.export(wrapper, (dummy,), path, opset_version=OPSET, input_names=["images"],
                      output_names=["output0"], dynamic_axes={"images": {0: "N"}, "output0": {0: "N"}},
                      do_constant_folding=True)
    model = onnx.load(path)
    model.doc_string = ("LabelStream fashion-detector: images float32 [N,3,%d,%d] RGB 0..1 (letterbox, pad 114); "
                        "output0 [N,14,A]: cx, cy, w, h in input pixels, 10 sigmoid class scores" % (INPUT, INPUT))
    model.producer_name = "labelstream-model-train-detector"
    # the exporter names output0's static dims symbolically (ONNX shape inference cannot follow
    # TopK/ScatterElements): they are the contract's constants
    out_dims = model.graph.output[0].type.tensor_type.shape.dim
    out_dims[1].Clear()
    out_dims[1].dim_value = 4 + NUM_CLASSES
    out_dims[2].Clear()
    out_dims[2].dim_value = (INPUT // STRIDE) ** 2
    for node in model.graph.node:
        if node.op_type == "RoiAlign":
            # torchvision's exporter writes opset-10 RoiAlign; from opset 16 the default is
            # half_pixel (aligned=True): the crops were trained with aligned=False
            node.attribute.append(onnx.helper.make_attribute("coordinate_transformation_mode",
                                                             "output_half_pixel"))
    for key, val in (("name", MODEL_NAME), ("version", MODEL_VERSION),
                     ("classNames", json.dumps(scenes.CLASS_NAMES)), ("task", "detection"),
                     ("format", "yolo")):
        p = model.metadata_props.add()
        p.key, p.value = key, val
    onnx.save(model, path)
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    g = model.graph
    dims = lambda vi: [d.dim_param or d.dim_value for d in vi.type.tensor_type.shape.dim]
    a = (INPUT // STRIDE) ** 2
    assert [i.name for i in g.input] == ["images"] and dims(g.input[0]) == ["N", 3, INPUT, INPUT], dims(g.input[0])
    assert [o.name for o in g.output] == ["output0"] and dims(g.output[0]) == ["N", 4 + NUM_CLASSES, a], \
        dims(g.output[0])
    assert model.opset_import[0].version == OPSET
    ops = sorted({n.op_type for n in g.node})
    diffs = {}
    for name, x in (("batch2", sample_x[:2]), ("batch1", sample_x[4:5])):
        ref = numpy_reference_run(model, {"images": x})[0]
        with torch.no_grad():
            t = wrapper(torch.from_numpy(x)).numpy()
        assert ref.shape == t.shape == (len(x), 4 + NUM_CLASSES, a)
        # With a second stage only the proposals score: float64 may pick another of two nearly
        # tied last proposals, which must then score below the frame score's floor.
        ref_p, t_p = ref[:, 4:].max(1) > 0, t[:, 4:].max(1) > 0
        both = np.broadcast_to((ref_p & t_p)[:, None, :], ref[:, 4:].shape)
        other = np.maximum(ref[:, 4:].max(1), t[:, 4:].max(1))[ref_p ^ t_p]
        diffs[name] = (float(np.abs(ref[:, :4] - t[:, :4]).max()),
                       float(np.abs(ref[:, 4:] - t[:, 4:])[both].max()),
                       int(len(other)), float(other.max()) if len(other) else 0.0)
        assert diffs[name][0] < 1e-2 and diffs[name][1] < 1e-4 and diffs[name][3] < FRAME_SCORE_FLOOR, \
            "ONNX graph disagrees with torch: %s" % diffs
    log("ONNX check: ops=%s max|diff| boxes/scores %s" % (ops, diffs))
    return {"ops": ops, "verifiedWith": "NumPy float64 interpreter (onnxruntime is not packaged for Debian's python)",
            "maxAbsDiffBoxesPixels": max(d[0] for d in diffs.values()),
            "maxAbsDiffScores": max(d[1] for d in diffs.values()),
            "proposalsDiffering": sum(d[2] for d in diffs.values()),
            "maxScoreOfDifferingProposals": max(d[3] for d in diffs.values()), "batchSizes": [2, 1]}


# ------------------------------------------------------------------ files for Java
def r1(v):
    return round(float(v), 1)


def box_json(b):
    x1, y1, x2, y2 = b
    return {"x": r1(x1), "y": r1(y1), "w": r1(x2 - x1), "h": r1(y2 - y1)}


def write_jsonl(path, truth, cands, floor):
    with open(path, "w") as f:
        for i, (t, c) in enumerate(zip(truth, cands)):
            c = [d for d in c if d["score"] >= floor]
            row = {"scene": i, "width": scenes.WIDTH, "height": scenes.HEIGHT,
                   "truth": [dict(classIndex=b["classIndex"], **box_json(b["box"])) for b in t],
                   "candidates": [dict(classIndex=d["classIndex"], **box_json(d["box"]),
                                       score=round(d["score"], 5),
                                       classCertainty=round(class_certainty(d), 6),
                                       scores=[round(float(s), 3) for s in d["scores"]]) for d in c]}
            f.write(json.dumps(row, separators=(",", ":")) + "\n")


def write_samples(out_dir, seed):
    sdir = os.path.join(out_dir, "samples", "scenes")
    info = {"description": "LabelStream fashion-detector sample scenes: test scenes 0-%d of "
                           "model/scenes.py (seed %d), Fashion-MNIST test images" % (N_SAMPLES - 1, seed),
            "version": MODEL_VERSION}
    boxes = scenes.write_coco(sdir, "test", 0, N_SAMPLES, seed, info=info)
    total = sum(os.path.getsize(os.path.join(sdir, f)) for f in os.listdir(sdir))
    log("wrote %d sample scenes (%d boxes, %d bytes) to %s" % (N_SAMPLES, boxes, total, sdir))
    return {"scenes": N_SAMPLES, "boxes": boxes, "bytes": total}


# ---------------------------------------------------------------------------- main
def finish(model, args, train_seconds, history, cropnet=None, crop_history=None):
    t_start = time.time()
    out = args.out
    heads = model.cls_out.out_channels                       # 1: class-agnostic objectness (--agnostic)
    cw = None if cropnet is None else cropnet.features[0][0].out_channels
    if cropnet is None:
        wrapper = ExportWrapper(model.eval(), INPUT, INPUT).eval()
    else:
        wrapper = crop_classifier.TwoStageExport(model.eval(), cropnet.eval(), INPUT, INPUT).eval()
    n_params = sum(p.numel() for p in wrapper.parameters())
    data = scenes.load_split("test")
    sample_x = np.stack([letterbox(scenes.scene_jpeg("test", i, args.seed, data)[0])
                         for i in range(5)])
    onnx_path = os.path.join(out, MODEL_NAME + ".onnx")
    check = export_onnx(wrapper, onnx_path, sample_x)

    n, n_test = args.validation_scenes, args.test_scenes
    vt, vc, vf = run_split(wrapper, "validation", n, args.seed, flip=True)
    tt, tc, _ = run_split(wrapper, "test", n_test, args.seed)

    # the score cut-off: the one that makes the most validation frames exact
    cuts = [round(c, 2) for c in np.arange(0.10, 0.71, 0.05)]
    exact_at = {c: float(np.mean([is_exact(t, c_, c) for t, c_ in zip(vt, vc)])) for c in cuts}
    cut = max(cuts, key=lambda c: (exact_at[c], -abs(c - 0.25)))
    log("validation exact share by cut-off: %s; chosen %.2f" % (exact_at, cut))

    v_exact = np.array([is_exact(t, c, cut) for t, c in zip(vt, vc)])
    table = frame_score_candidates(vc, v_exact, cut, vf)

    vmap = map_table(vt, vc)
    tmap = map_table(tt, tc)
    log("validation mAP50 %.4f mAP50-95 %.4f; test mAP50 %.4f mAP50-95 %.4f"
        % (vmap["mAP50"], vmap["mAP50_95"], tmap["mAP50"], tmap["mAP50_95"]))
    target, exactness = frame_exactness(vt, vc, tt, tc, cut)
    exactness = dict(exactness, scoreThresholdChoice="the cut-off that makes the most validation frames exact, "
                                                     "among %s" % cuts,
                     validationExactShareByScoreThreshold={str(k): round(v, 4) for k, v in exact_at.items()},
                     frameScoreCandidatesValidation={
                         "measuredOn": "the %d validation scenes only (the test scenes were not used to choose)" % n,
                         "table": table})

    v_path = os.path.join(out, MODEL_NAME + ".validation.jsonl")
    t_path = os.path.join(out, MODEL_NAME + ".test.jsonl")
    write_jsonl(v_path, vt, vc, REPLAY_FLOOR)
    write_jsonl(t_path, tt, tc, REPLAY_FLOOR)
    samples = write_samples(out, args.seed)

    import onnx
    card = {
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "task": "detection",
        "description": ("Small anchor-free detector (YOLO-like, one stride of 8, "
                        + ("no objectness, sigmoid class scores)" if heads > 1 else "a class-agnostic objectness)")
                        + ("" if cropnet is None else
                                     " whose proposals are named by a second stage, a classifier of each box's "
                                     "crop,") + " for Fashion-MNIST garments composed into 640x480 scenes by "
                       "model/scenes.py; exported in Ultralytics' raw yolo layout."),
        "file": MODEL_NAME + ".onnx",
        "fileBytes": os.path.getsize(onnx_path),
        "framework": {"format": "onnx", "opset": OPSET, "irVersion": onnx.load(onnx_path).ir_version,
                      "exportedWith": "torch %s (TorchScript exporter), onnx %s" % (torch.__version__,
                                                                                   onnx.__version__)},
        "input": {"name": "images", "layout": "NCHW", "channels": 3, "colorOrder": "RGB",
                  "width": INPUT, "height": INPUT, "resize": "letterbox", "padValue": PAD_VALUE,
                  "dtype": "float32", "scale": 1 / 255, "mean": [0.0, 0.0, 0.0], "std": [1.0, 1.0, 1.0]},
        "output": {"format": "yolo", "name": "output0", "scoreThreshold": cut, "iouThreshold": IOU_THRESHOLD,
                   "maxDetections": MAX_DETECTIONS,
                   "shape": [-1, 4 + NUM_CLASSES, (INPUT // STRIDE) ** 2],
                   "description": "per anchor cx, cy, w, h in input pixels, then 10 class scores "
                                  "(sigmoid inside the graph); anchors = the 40x40 cells of stride 8, row-major"},
        "classNames": scenes.CLASS_NAMES,
        "frameExactnessTarget": target,
        "parameters": n_params,
        "architecture": "conv-BN-ReLU backbone 3-16/2-32/2-32-64/2-64-64-128/2-128-128-128/2-128 "
                        "(BatchNorm folded on export), top-down addition of strides 32 and 16 into stride 8, "
                        "class tower 2x conv64 + 1x1 conv to %d logit%s, box tower conv64 + 1x1 conv to 4 "
                        "softplus distances (left, top, right, bottom) x 16 px" % (heads, "" if heads == 1 else "s")
                        + ("" if cropnet is None else
                           "; second stage in the graph: objectness = best %s per cell, its 3x3 local "
                           "peaks, the top %d proposals cropped from the input with %d %% margin (RoiAlign %dx%d) "
                           "and classified by a conv-BN-ReLU net 3-%d-%d-%d/2-%d-%d/2-%d-%d + mean pool + linear; "
                           "a proposal's class scores = objectness x softmax, other cells 0"
                           % (("class score" if heads > 1 else "score"), crop_classifier.PROPOSALS,
                              round(crop_classifier.MARGIN * 100), crop_classifier.CROP, crop_classifier.CROP,
                              cw, cw, 2 * cw, 2 * cw, 4 * cw, 4 * cw, 4 * cw)),
        "trainingData": {
            "generator": "model/scenes.py (seed %d): 640x480 JPEG scenes (quality 75-95), 0-8 tinted "
                         "Fashion-MNIST garments of 40-200 px, box IoU <= 0.4, some cut by the border "
                         "(objects < 50 %% visible dropped), backgrounds of gradients, stripes/checks, noise, "
                         "plain colour, clutter of shapes and lines" % args.seed,
            "dataset": "Fashion-MNIST (Zalando Research), Debian package dataset-fashion-mnist", "licence": "MIT",
            "trainScenes": args.train_scenes,
            "trainScenesFrom": "first 55,000 training images",
            "validationScenes": n, "validationScenesFrom": "last 5,000 training images (never trained on)",
            "testScenes": n_test, "testScenesFrom": "the 10,000 test images",
        },
        "training": {
            "seed": args.seed, "budgetMinutes": args.budget_minutes,
            "steps": history["step"], "epochsCompleted": history["epoch"],
            "stepsInLastEpoch": history["stepInEpoch"], "stepsPerEpoch": args.train_scenes // args.batch_size,
            "imagesSeen": history["step"] * args.batch_size, "batchSize": args.batch_size,
            "optimizer": "AdamW (weight decay %g), peak learning rate %g, %d warm-up steps, cosine to 2 %%"
                         % (args.weight_decay, args.lr, args.warmup),
            "loss": ("quality focal loss (target = IoU of the predicted box at the truth class)" if heads > 1 else
                     "quality focal loss on one class-agnostic score (target = IoU of the predicted box with its "
                     "truth box)") + " + 2 x GIoU; "
                    "positives = cells inside a truth box within 2.5 cells of its centre (smallest box wins)",
            "augmentation": "scenes pre-rendered through JPEG and letterboxed to input scale; random vertical "
                            "placement in a 320x256 crop of padding 114, random horizontal flip"
                            + (", random RGB channel order" if args.permute_channels else ""),
            "threads": args.threads,
            "command": ("/usr/bin/python3 model/train_detector.py --seed %d " % args.seed)
                       + ("--budget-minutes %g" % args.budget_minutes if args.budget_minutes else
                          "--epochs %d" % args.epochs)
                       + " --train-scenes %d --threads %d" % (args.train_scenes, args.threads)
                       + (" --permute-channels" if args.permute_channels else "")
                       + (" --agnostic" if getattr(args, "agnostic", False) else "")
                       + " --crop-epochs %d --crop-width %d" % (args.crop_epochs, getattr(args, "crop_width", 24))
                       + ("" if getattr(args, "crop_head", "mean") == "mean" else " --crop-head " + args.crop_head)
                       + " --validation-scenes %d --test-scenes %d" % (n, n_test),
            "cropClassifier": None if cropnet is None else {
                "epochs": args.crop_epochs, "width": cw, "crop": crop_classifier.CROP, "margin": crop_classifier.MARGIN,
                "head": "flatten + linear (spatial)" if cropnet.spatial else "mean over the feature map + linear",
                "trainedOn": "crops of the truth boxes of the first %d training scenes, each box moved and "
                             "resized by up to 10 %% of its size, random channel order and flip"
                             % (args.train_scenes - args.crop_held_out),
                "heldOut": "the last %d training scenes" % args.crop_held_out,
                "loss": "cross-entropy with label smoothing 0.05; AdamW, cosine",
                "epochHistory": crop_history},
            "wallTimeSeconds": round(train_seconds, 1),
            "epochHistory": history["history"],
            "machine": "%s, %d CPU cores shared with other builds, torch %s" % (platform.machine(), os.cpu_count(),
                                                                              torch.__version__),
        },
        "evaluation": {
            "pipeline": "scene JPEG decoded at half size by libjpeg-turbo's DCT scaling (PIL draft mode, as the "
                        "worker's TurboJpeg decode), letterboxed to 320x320 (pad 114), best class per anchor, "
                        "class-aware NMS at iouThreshold, boxes mapped back to frame pixels and clipped",
            "map": "COCO-style: 101-point interpolated AP per class, IoU 0.50 and mean over 0.50:0.05:0.95, "
                   "at most maxDetections per frame, candidates down to score %g" % CANDIDATE_FLOOR,
            "validation": vmap, "test": tmap,
            "classAgnosticAP50": {"validation": agnostic_ap50(vt, vc), "test": agnostic_ap50(tt, tc)},
        },
        "frameExactness": exactness,
        "replayFiles": {"validation": os.path.basename(v_path), "test": os.path.basename(t_path),
                        "candidatesDownTo": REPLAY_FLOOR,
                        "line": REPLAY_LINE,
                        "validationBytes": os.path.getsize(v_path), "testBytes": os.path.getsize(t_path)},
        "samples": dict(samples, dir="samples/scenes", annotations="samples/scenes/scenes.json (COCO)"),
        "onnxVerification": check,
    }
    if target is None:
        del card["frameExactnessTarget"]  # no prefix holds enough evidence: the review default applies
    with open(os.path.join(out, MODEL_NAME + ".card.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    log("wrote card; evaluation and export took %.0f s" % (time.time() - t_start))


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description="The bundled detector card's figures: --refresh-card recomputes its "
                                             "frame-exactness figures from its replay files, --tables prints the "
                                             "README's result tables (training and evaluation run from "
                                             "train_detector.py)")
    ap.add_argument("--refresh-card", action="store_true")
    ap.add_argument("--tables", action="store_true")
    ap.add_argument("--model-dir", default=os.path.dirname(os.path.abspath(__file__)))
    a = ap.parse_args()
    if not (a.refresh_card or a.tables):
        ap.error("say --refresh-card or --tables")
    if a.refresh_card:
        refresh_card(a.model_dir)
    if a.tables:
        with open(os.path.join(a.model_dir, MODEL_NAME + ".card.json")) as f:
            print(readme_tables(json.load(f)))
