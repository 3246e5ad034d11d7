#!/usr/bin/python3
"""Train LabelStream's bundled object detector (fashion-detector) and export it as one ONNX graph.

Run from the repository root with the Debian python (python3-torch, python3-onnx, python3-pil,
dataset-fashion-mnist):

    /usr/bin/python3 model/train_detector.py --seed 15 --budget-minutes 48

(--budget-minutes trains for that much time, a cosine schedule over the budget; --epochs N
trains a fixed number of epochs instead, the reproducible choice on a quiet machine.)

Steps (a killed run continues with --resume from the last checkpoint):
  1. pre-render the training scenes (model/scenes.py, the train split) once, through JPEG at
     their scene quality, letterboxed to the input scale, into model/.cache/ (git-ignored);
  2. train the detector (model/detector_net.py) on them, a checkpoint every 50 steps and after every epoch,
     then the second stage, a classifier of each proposal's crop (model/crop_classifier.py);
  3. export model/fashion-detector.onnx, check it (onnx.checker, torch vs a NumPy interpreter);
  4. evaluate on validation and test scenes, write the card, the replay predictions
     (fashion-detector.validation.jsonl / .test.jsonl) and samples/scenes/ (see detector_eval.py).

Graph contract: input "images" float32 [N,3,320,320] RGB 0..1 (letterboxed 640x480 frame:
scale 0.5, 40 px of padValue 114 above and below), output "output0" float32 [N,14,1600]:
per anchor cx, cy, w, h in input pixels then 10 class scores (sigmoid inside the graph).
"""
import argparse
import os
import platform
import sys
import time
from multiprocessing import Pool

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenes  # noqa: E402
from detector_net import NUM_CLASSES, Detector, anchor_centres, detection_loss  # noqa: E402

INPUT = 320                       # letterbox size (square)
SCALE = INPUT / scenes.WIDTH      # 0.5 for 640x480 frames
PAD_VALUE = 114
TRAIN_H = 256                     # training crops: the 240 image rows plus 16 rows of padding
MODEL_DIR = os.path.dirname(os.path.abspath(__file__))
CACHE_DIR = os.path.join(MODEL_DIR, ".cache")


def log(s):
    print(time.strftime("%H:%M:%S ") + s, flush=True)


# ------------------------------------------------------------------------- rendering
def letterbox_rgb(rgb):
    """640x480 RGB uint8 -> 320x240 (bilinear, PIL), the image part of the letterbox."""
    from PIL import Image
    im = Image.fromarray(rgb)
    w, h = int(round(im.width * SCALE)), int(round(im.height * SCALE))
    return np.asarray(im.resize((w, h), Image.BILINEAR))


def decode_jpeg(data):
    import io
    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


_DATA = {}


def _render(args):
    split, i, seed = args
    if split not in _DATA:
        _DATA[split] = scenes.load_split(split)
    jpg, boxes = scenes.scene_jpeg(split, i, seed, _DATA[split])
    small = letterbox_rgb(decode_jpeg(jpg))
    t = np.array([[b["classIndex"], b["x"], b["y"], b["x"] + b["w"], b["y"] + b["h"]] for b in boxes],
                 dtype=np.float32).reshape(-1, 5)
    t[:, 1:] *= SCALE
    return small, t


def render_cache(split, count, seed, workers):
    """Pre-rendered scenes at input scale: uint8 [count,240,320,3] (memmap) + list of targets."""
    os.makedirs(CACHE_DIR, exist_ok=True)
    base = os.path.join(CACHE_DIR, "%s-%d-seed%d" % (split, count, seed))
    h, w = int(scenes.HEIGHT * SCALE), int(scenes.WIDTH * SCALE)
    if os.path.exists(base + ".done"):
        imgs = np.memmap(base + ".u8", dtype=np.uint8, mode="r", shape=(count, h, w, 3))
        tg = np.load(base + ".targets.npy", allow_pickle=True)
        return imgs, list(tg)
    t0 = time.time()
    imgs = np.memmap(base + ".u8", dtype=np.uint8, mode="w+", shape=(count, h, w, 3))
    targets = []
    with Pool(workers) as pool:
        for i, (small, t) in enumerate(pool.imap(_render, [(split, j, seed) for j in range(count)],
                                                 chunksize=32)):
            imgs[i] = small
            targets.append(t)
    imgs.flush()
    arr = np.empty(count, dtype=object)
    arr[:] = targets
    np.save(base + ".targets.npy", arr, allow_pickle=True)
    open(base + ".done", "w").close()
    log("rendered %d %s scenes in %.0f s" % (count, split, time.time() - t0))
    return np.memmap(base + ".u8", dtype=np.uint8, mode="r", shape=(count, h, w, 3)), targets


# -------------------------------------------------------------------------- training
def make_batch(imgs, targets, idx, gen, permute=False):
    """Random vertical placement of each image in a TRAIN_H x INPUT crop of padding, random flip,
    and with permute a random channel order per image."""
    b = len(idx)
    ih, iw = imgs.shape[1], imgs.shape[2]
    x = np.full((b, TRAIN_H, INPUT, 3), PAD_VALUE, dtype=np.uint8)
    tg = []
    offs = gen.integers(0, TRAIN_H - ih + 1, size=b)
    flips = gen.random(b) < 0.5
    # Tints are random, so a garment's class never depends on its colour: permuting the
    # channels shows the same scene in other colours at no rendering cost.
    orders = [gen.permutation(3) for _ in range(b)] if permute else None
    for k, j in enumerate(idx):
        im = imgs[j]
        if orders is not None:
            im = im[:, :, orders[k]]
        t = targets[j].copy()
        if flips[k]:
            im = im[:, ::-1]
            x1 = iw - t[:, 3]
            x2 = iw - t[:, 1]
            t[:, 1], t[:, 3] = x1, x2
        x[k, offs[k]:offs[k] + ih, :iw] = im
        t[:, 2] += offs[k]
        t[:, 4] += offs[k]
        tg.append(torch.from_numpy(t))
    xt = torch.from_numpy(x).permute(0, 3, 1, 2).float().div_(255.0)
    return xt.contiguous(memory_format=torch.channels_last), tg


def lr_at(step, progress, peak, warmup):
    """Linear warm-up over `warmup` steps, then cosine from peak down to 2 % as progress goes 0 -> 1."""
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * (0.02 + 0.98 * 0.5 * (1 + np.cos(np.pi * min(1.0, progress))))


def save_checkpoint(path, model, opt, state):
    tmp = path + ".tmp"
    torch.save(dict(state, model=model.state_dict(), opt=opt.state_dict()), tmp)
    os.replace(tmp, path)


def train(args, ckpt_path):
    """Trains for --epochs, or, with --budget-minutes, for as many steps as fit in that much
    training time (the cosine schedule then follows the elapsed share of the budget: on a shared
    machine the number of steps depends on the load; the card records it)."""
    imgs, targets = render_cache("train", args.train_scenes, args.seed, args.render_workers)
    torch.manual_seed(args.seed)
    model = Detector(args.width, 1 if args.agnostic else NUM_CLASSES).to(memory_format=torch.channels_last)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    n = len(imgs)
    steps_per_epoch = n // args.batch_size
    total = steps_per_epoch * args.epochs
    budget = args.budget_minutes * 60 if args.budget_minutes else None
    state = {"epoch": 0, "stepInEpoch": 0, "step": 0, "trainSeconds": 0.0, "history": [], "done": False,
             "args": vars(args)}
    if args.resume and os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        state = {k: ck[k] for k in state if k in ck}
        state["args"] = vars(args)
        log("resumed at epoch %d step %d (%.0f s of training so far)"
            % (state["epoch"] + 1, state["stepInEpoch"], state["trainSeconds"]))
    centres = anchor_centres(TRAIN_H // 8, INPUT // 8)
    model.train()
    while not state["done"] and state["epoch"] < (10 ** 6 if budget else args.epochs):
        epoch = state["epoch"]
        gen = np.random.default_rng([args.seed, epoch])  # the epoch's order is the same after a resume
        perm = gen.permutation(n)
        gen = np.random.default_rng([args.seed, epoch, state["stepInEpoch"]])
        t_mark = time.time()
        base = state["trainSeconds"]
        sums, count = np.zeros(3), 0
        for s in range(state["stepInEpoch"], steps_per_epoch):
            elapsed = base + time.time() - t_mark
            progress = elapsed / budget if budget else state["step"] / total
            if budget and progress >= 1.0:
                state["done"] = True
                break
            for g in opt.param_groups:
                g["lr"] = lr_at(state["step"], progress, args.lr, args.warmup)
            idx = np.sort(perm[s * args.batch_size:(s + 1) * args.batch_size])
            x, tg = make_batch(imgs, targets, idx, gen, args.permute_channels)
            logits, ltrb = model(x)
            loss, lc, lb = detection_loss(logits, ltrb, tg, centres)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
            opt.step()
            sums += [loss.item(), lc.item(), lb.item()]
            count += 1
            state["step"] += 1
            state["stepInEpoch"] = s + 1
            if state["step"] % 50 == 0:
                state["trainSeconds"] = base + time.time() - t_mark
                log("  epoch %d step %d/%d (total %d) loss %.4f (cls %.4f box %.4f) lr %.2e, %.1f img/s, %.0f s"
                    % (epoch + 1, s + 1, steps_per_epoch, state["step"], sums[0] / count, sums[1] / count,
                       sums[2] / count, opt.param_groups[0]["lr"],
                       count * args.batch_size / (time.time() - t_mark), state["trainSeconds"]))
                save_checkpoint(ckpt_path, model, opt, state)
        state["trainSeconds"] = base + time.time() - t_mark
        if count:
            state["history"].append({"epoch": epoch + 1, "steps": count, "loss": round(sums[0] / count, 4),
                                     "clsLoss": round(sums[1] / count, 4), "boxLoss": round(sums[2] / count, 4),
                                     "seconds": round(time.time() - t_mark, 1)})
        if not state["done"]:
            state["epoch"] += 1
            state["stepInEpoch"] = 0
            log("epoch %d done (%.0f s of training so far)" % (epoch + 1, state["trainSeconds"]))
        save_checkpoint(ckpt_path, model, opt, state)
    state["done"] = True
    save_checkpoint(ckpt_path, model, opt, state)
    model.eval()
    return model.to(memory_format=torch.contiguous_format), state["trainSeconds"], state


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=15, help="scene seed and training seed")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--budget-minutes", type=float, default=None,
                    help="train for this much time instead of --epochs (cosine over the budget)")
    ap.add_argument("--train-scenes", type=int, default=10000)
    ap.add_argument("--width", type=int, default=16)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-3, help="AdamW peak learning rate (cosine)")
    ap.add_argument("--warmup", type=int, default=100, help="warm-up steps")
    ap.add_argument("--weight-decay", type=float, default=0.05)
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads; 1 trains 3-4x faster than 2 when other jobs share the 2 cores")
    ap.add_argument("--permute-channels", action="store_true",
                    help="augment with a random RGB channel order per training image")
    ap.add_argument("--agnostic", action="store_true",
                    help="one class-agnostic score per location (objectness); the crop classifier names the boxes")
    ap.add_argument("--eval-threads", type=int, default=None,
                    help="torch threads for the export and evaluation (default: --threads)")
    ap.add_argument("--render-workers", type=int, default=2)
    ap.add_argument("--checkpoint", default=os.path.join(CACHE_DIR, "detector.pt"))
    ap.add_argument("--resume", action="store_true", help="continue from --checkpoint")
    ap.add_argument("--crop-epochs", type=int, default=8,
                    help="epochs of the second stage, the crop classifier (model/crop_classifier.py); 0 = none")
    ap.add_argument("--crop-held-out", type=int, default=500,
                    help="last N training scenes kept out of the crop classifier's training (its accuracy check)")
    ap.add_argument("--crop-width", type=int, default=24, help="the crop classifier's width (crop_classifier.CropNet)")
    ap.add_argument("--crop-head", choices=("mean", "spatial"), default="mean",
                    help="the crop classifier's head (crop_classifier.CropNet)")
    ap.add_argument("--crop-checkpoint", default=os.path.join(CACHE_DIR, "cropnet.pt"))
    ap.add_argument("--train-only", action="store_true", help="stop after training")
    ap.add_argument("--replays-only", action="store_true",
                    help="with --resume and a trained crop classifier: run the released model again and rewrite "
                         "its replay files and card figures (detector_eval.rerun_replays), no export")
    # Validation scenes are the policy's starting evidence (at half weight): at a frame-exactness target near 0.7 a
    # bound from 2,000 of them left a margin of about 0.05, and the policy labelled 0.7-0.8 x what the test stream's
    # hindsight cut allows. More is not better while validation and test scenes differ: 24,000 were ~1 point more
    # exact than the test scenes at every frame-score threshold, and from them the policy's realised exactness fell
    # below the target at 0.98, 0.95 and 0.8 (docs/label-quality.md#boxes). Test scenes are the stream `evaluate
    # --task detection` replays (share after 2,000 frames).
    ap.add_argument("--validation-scenes", type=int, default=6000, help="validation scenes evaluated")
    ap.add_argument("--test-scenes", type=int, default=6000, help="test scenes evaluated")
    ap.add_argument("--out", default=MODEL_DIR)
    args = ap.parse_args()
    if args.agnostic and not args.crop_epochs and not args.train_only:
        ap.error("--agnostic needs the crop classifier (--crop-epochs > 0) to name the boxes")
    torch.set_num_threads(args.threads)
    log("machine %s, %d cores, torch %s" % (platform.machine(), os.cpu_count(), torch.__version__))
    model, train_seconds, history = train(args, args.checkpoint)
    log("steps %d, epochs %d + %d steps" % (history["step"], history["epoch"], history["stepInEpoch"]))
    log("training done: %.1f s" % train_seconds)
    cropnet, crop_history = None, None
    if args.crop_epochs:
        import crop_classifier
        imgs, targets = render_cache("train", args.train_scenes, args.seed, args.render_workers)
        cropnet, crop_history = crop_classifier.train_or_load(imgs, targets, args.crop_epochs, args.seed,
                                                              args.crop_held_out, args.crop_checkpoint,
                                                              args.threads, log, args.crop_width,
                                                              args.crop_head)
    if args.train_only:
        return
    import detector_eval
    torch.set_num_threads(args.eval_threads or args.threads)
    if args.replays_only:
        detector_eval.rerun_replays(model, cropnet, args)
        return
    detector_eval.finish(model, args, train_seconds, history, cropnet, crop_history)


if __name__ == "__main__":
    main()
