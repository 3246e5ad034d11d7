#!/usr/bin/python3
"""Train the LabelStream Fashion-MNIST CNN ensemble and export it as one ONNX graph.

Run from the repository root with the Debian python (python3-torch, python3-onnx,
dataset-fashion-mnist):

    /usr/bin/python3 model/train.py --seed 42 --epochs 14 --members 5

Writes into model/ (or --out):
  fashion-mnist-ensemble.onnx       single self-contained ONNX file (opset 17)
  fashion-mnist-ensemble.card.json  model card with measured metrics
  samples/                          first 1,000 test images as PNG + labels.csv + LICENSE
                                    (skip with --no-samples; the bytes never change)

Split: train = first 55,000 training images, validation = last 5,000 training
images, test = the 10,000 official test images.

Members (v2): VGG-style CNN with BatchNorm (conv32 | pool | conv64, conv64 | pool |
conv128, conv128 | dropout 0.3 | fc10), trained with SGD (Nesterov) + OneCycle,
random 2-px-padded crops and horizontal flips. Member i uses seed seed+1000*i.
Each member's temperature is fitted on the validation split (min NLL) and folded
into its last fc layer; BatchNorm is folded into the convolutions on export.

Graph contract: input "image" float32 [N,1,28,28] NCHW, raw grayscale 0..255
(0 = black, exactly the dataset / PNG bytes); normalisation happens inside the
graph. Outputs "mean_probs" [N,10] (mean of the members' temperature-scaled
softmaxes) and "member_probs" [N,K,10].
"""
import argparse
import gzip
import json
import os
import platform
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA_DIR = "/usr/share/datasets/fashion-mnist"
LICENSE_SRC = "/usr/share/doc/dataset-fashion-mnist/copyright"
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
MODEL_NAME = "fashion-mnist-ensemble"
MODEL_VERSION = "2.0.0"
OPSET = 17
N_VAL = 5000
N_SAMPLES = 1000
THRESHOLDS = [0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95,
              0.97, 0.98, 0.99, 0.995, 0.999]
# Normalisation constants (Fashion-MNIST pixel mean/std on the 0..1 scale);
# they are baked into the exported graph.
PIXEL_MEAN = 0.2860
PIXEL_STD = 0.3530
# Defaults of the released model (see README.md).
EPOCHS = 14
WIDTH = 32


# ----------------------------------------------------------------------------- data
def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    ndim = magic & 0xFF
    assert (magic >> 8) == 0x08, "expected unsigned-byte idx file: %s" % path
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    return arr.reshape(dims)


def load_data():
    xtr = read_idx(os.path.join(DATA_DIR, "train-images-idx3-ubyte.gz"))
    ytr = read_idx(os.path.join(DATA_DIR, "train-labels-idx1-ubyte.gz"))
    xte = read_idx(os.path.join(DATA_DIR, "t10k-images-idx3-ubyte.gz"))
    yte = read_idx(os.path.join(DATA_DIR, "t10k-labels-idx1-ubyte.gz"))
    assert xtr.shape == (60000, 28, 28) and xte.shape == (10000, 28, 28)
    return xtr, ytr, xte, yte


# ---------------------------------------------------------------------------- model
def conv_bn(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


class Member(nn.Module):
    """VGG-style CNN with BatchNorm; expects already-normalised input, returns logits.

    28x28: conv(1->w)  | pool | 14x14: conv(w->2w), conv(2w->2w) | pool |
    7x7: conv(2w->4w), conv(4w->4w) | flatten | dropout | fc(4w*49 -> 10).
    BatchNorm is folded into the convolutions when exported (eval mode).
    """

    def __init__(self, width=32, dropout=0.3):
        super().__init__()
        w = width
        self.features = nn.Sequential(
            *conv_bn(1, w), nn.MaxPool2d(2),
            *conv_bn(w, 2 * w), *conv_bn(2 * w, 2 * w), nn.MaxPool2d(2),
            *conv_bn(2 * w, 4 * w), *conv_bn(4 * w, 4 * w))
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(4 * w * 7 * 7, 10)

    def forward(self, x):
        x = torch.flatten(self.features(x), 1)
        return self.fc(self.dropout(x))  # logits


class Ensemble(nn.Module):
    """Raw 0..255 pixels in, (mean_probs [N,10], member_probs [N,K,10]) out.

    Each member's logits are divided by its own temperature (fitted on the
    validation split) before the softmax; the temperature is folded into the
    member's last fc layer for export (see fold_temperature)."""

    def __init__(self, members):
        super().__init__()
        self.members = nn.ModuleList(members)
        self.register_buffer("scale", torch.tensor(1.0 / (255.0 * PIXEL_STD)))
        self.register_buffer("shift", torch.tensor(PIXEL_MEAN / PIXEL_STD))

    def forward(self, image):
        x = image * self.scale - self.shift  # == (image/255 - mean) / std
        probs = [F.softmax(m(x), dim=1) for m in self.members]
        member_probs = torch.stack(probs, dim=1)
        mean_probs = member_probs.mean(dim=1)
        return mean_probs, member_probs


def normalise(x_uint8):
    x = torch.from_numpy(x_uint8.astype(np.float32)).unsqueeze(1)
    return (x / 255.0 - PIXEL_MEAN) / PIXEL_STD


PAD = 2


def augment(xp, idx, gen):
    """Random 28x28 crop of the 2-px zero-padded (black) images + random horizontal flip."""
    b = len(idx)
    oy = torch.randint(0, 2 * PAD + 1, (b,), generator=gen)
    ox = torch.randint(0, 2 * PAD + 1, (b,), generator=gen)
    flip = torch.rand(b, generator=gen) < 0.5
    ar = torch.arange(28)
    rows = (oy[:, None] + ar)[:, :, None]                      # [b,28,1]
    cols = ox[:, None] + ar                                    # [b,28]
    cols = torch.where(flip[:, None], cols.flip(1), cols)[:, None, :]  # [b,1,28]
    xb = xp[idx[:, None, None], rows, cols]                    # [b,28,28]
    return xb.unsqueeze(1)


def train_member(seed, xp, y, epochs, batch_size, lr, weight_decay, width, log):
    """xp: normalised training images padded by PAD px, [n,28+2P,28+2P]."""
    torch.manual_seed(seed)
    model = Member(width=width).to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, nesterov=True,
                          weight_decay=weight_decay)
    n = xp.shape[0]
    steps = (n + batch_size - 1) // batch_size
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, epochs=epochs, steps_per_epoch=steps,
                                                pct_start=0.25, div_factor=10.0,
                                                final_div_factor=100.0)
    gen = torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(n, generator=gen)
        t0 = time.time()
        total, correct, loss_sum = 0, 0, 0.0
        for i in range(0, n, batch_size):
            idx = perm[i:i + batch_size]
            xb = augment(xp, idx, gen).contiguous(memory_format=torch.channels_last)
            yb = y[idx]
            opt.zero_grad(set_to_none=True)
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += loss.item() * len(idx)
            correct += (out.argmax(1) == yb).sum().item()
            total += len(idx)
        log("  seed %d epoch %d/%d loss %.4f train-acc %.4f (%.1fs)"
            % (seed, epoch + 1, epochs, loss_sum / total, correct / total, time.time() - t0))
    model.eval()
    return model.to(memory_format=torch.contiguous_format)


@torch.no_grad()
def member_logits(model, x_norm, batch=1000):
    return torch.cat([model(x_norm[i:i + batch]) for i in range(0, len(x_norm), batch)])


def fit_temperature(logits, labels):
    """Temperature minimising the validation NLL (grid search on log T, deterministic)."""
    grid = np.exp(np.linspace(np.log(0.25), np.log(4.0), 401))
    y = torch.from_numpy(labels.astype(np.int64))
    nll = [float(F.cross_entropy(logits / t, y)) for t in grid]
    j = int(np.argmin(nll))
    return float(grid[j]), nll[j], float(F.cross_entropy(logits, y))


@torch.no_grad()
def fold_temperature(model, t):
    """softmax(fc(x) / t) == softmax(fc'(x)) with fc' = fc scaled by 1/t: no extra graph op."""
    model.fc.weight.div_(t)
    model.fc.bias.div_(t)


@torch.no_grad()
def predict(ens, x_uint8, batch=1000):
    means, members = [], []
    for i in range(0, len(x_uint8), batch):
        img = torch.from_numpy(x_uint8[i:i + batch].astype(np.float32)).unsqueeze(1)
        m, mp = ens(img)
        means.append(m.numpy())
        members.append(mp.numpy())
    return np.concatenate(means), np.concatenate(members)


# -------------------------------------------------------------------------- metrics
def coverage_curve(probs, labels):
    score = probs.max(1)
    correct = probs.argmax(1) == labels
    rows = []
    for t in THRESHOLDS:
        sel = score >= t
        k = int(sel.sum())
        rows.append({"threshold": t,
                     "coverage": round(k / len(labels), 4),
                     "accuracy": round(float(correct[sel].mean()), 4) if k else None,
                     "count": k})
    return rows


def best_cut(probs, labels, target=0.99):
    """Largest coverage whose accepted set (score >= cut) has accuracy >= target."""
    score = probs.max(1)
    correct = (probs.argmax(1) == labels).astype(np.float64)
    order = np.argsort(-score, kind="stable")
    s, c = score[order], correct[order]
    cum_acc = np.cumsum(c) / np.arange(1, len(c) + 1)
    # only cut between distinct scores (a threshold can't split ties)
    valid = np.append(s[1:] < s[:-1], True)
    ok = np.where(valid & (cum_acc >= target))[0]
    if len(ok) == 0:
        return None
    k = int(ok[-1]) + 1
    return {"targetAccuracy": target, "threshold": float(s[k - 1]),
            "coverage": round(k / len(labels), 4), "accuracy": round(float(cum_acc[k - 1]), 4),
            "count": k}


def at_threshold(probs, labels, t):
    score = probs.max(1)
    sel = score >= t
    k = int(sel.sum())
    return {"threshold": float(t), "coverage": round(k / len(labels), 4),
            "accuracy": round(float((probs.argmax(1) == labels)[sel].mean()), 4) if k else None,
            "count": k}


# ------------------------------------------------------------ numpy ONNX reference
def _conv2d(x, w, b, pads, strides, dilations, group):
    assert group == 1 and dilations == [1, 1]
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (x.shape[2] - kh) // strides[0] + 1
    ow = (x.shape[3] - kw) // strides[1] + 1
    cols = np.empty((n, c, kh, kw, oh, ow), dtype=np.float64)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = x[:, :, i:i + strides[0] * oh:strides[0], j:j + strides[1] * ow:strides[1]]
    out = np.einsum("nckloq,mckl->nmoq", cols, w.astype(np.float64))
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out


def _maxpool(x, kernel, strides, pads):
    assert pads == [0, 0, 0, 0]
    n, c, h, w = x.shape
    oh = (h - kernel[0]) // strides[0] + 1
    ow = (w - kernel[1]) // strides[1] + 1
    out = np.full((n, c, oh, ow), -np.inf)
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            out = np.maximum(out, x[:, :, i:i + strides[0] * oh:strides[0], j:j + strides[1] * ow:strides[1]])
    return out


def numpy_reference_run(model, feeds):
    """Minimal independent float64 interpreter for the ops this graph uses.

    onnx 1.12 (Debian) has no onnx.reference.ReferenceEvaluator, so we check the
    exported graph with this interpreter; unknown ops raise.
    """
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
        elif op == "Mul":
            out = ins[0] * ins[1]
        elif op == "Sub":
            out = ins[0] - ins[1]
        elif op == "Div":
            out = ins[0] / ins[1]
        elif op == "Add":
            out = ins[0] + ins[1]
        elif op == "Relu":
            out = np.maximum(ins[0], 0)
        elif op == "Conv":
            k = list(a.get("kernel_shape", ins[1].shape[2:]))
            out = _conv2d(ins[0], ins[1], ins[2] if len(ins) > 2 else None,
                          list(a.get("pads", [0, 0, 0, 0])), list(a.get("strides", [1, 1])),
                          list(a.get("dilations", [1, 1])), a.get("group", 1))
            assert list(ins[1].shape[2:]) == k
        elif op == "MaxPool":
            assert a.get("ceil_mode", 0) == 0
            out = _maxpool(ins[0], list(a["kernel_shape"]), list(a.get("strides", [1, 1])),
                           list(a.get("pads", [0, 0, 0, 0])))
        elif op == "Flatten":
            ax = a.get("axis", 1)
            out = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif op == "Reshape":
            shape = [int(s) for s in ins[1]]
            shape = [ins[0].shape[i] if s == 0 else s for i, s in enumerate(shape)]
            out = ins[0].reshape(shape)
        elif op == "Gemm":
            A, B = ins[0], ins[1]
            if a.get("transA", 0):
                A = A.T
            if a.get("transB", 0):
                B = B.T
            out = a.get("alpha", 1.0) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                out = out + a.get("beta", 1.0) * ins[2]
        elif op == "MatMul":
            out = ins[0] @ ins[1]
        elif op == "BatchNormalization":
            x, sc, bi, mu, var = ins[:5]
            r = lambda v: v.reshape(1, -1, *([1] * (x.ndim - 2)))
            out = (x - r(mu)) / np.sqrt(r(var) + a.get("epsilon", 1e-5)) * r(sc) + r(bi)
        elif op == "Identity":
            out = ins[0]
        elif op == "Softmax":
            ax = a.get("axis", -1)
            e = np.exp(ins[0] - ins[0].max(axis=ax, keepdims=True))
            out = e / e.sum(axis=ax, keepdims=True)
        elif op == "Unsqueeze":
            out = ins[0]
            axes = sorted(int(v) % (out.ndim + len(ins[1])) for v in ins[1])
            for ax in axes:
                out = np.expand_dims(out, ax)
        elif op == "Concat":
            out = np.concatenate(ins, axis=a["axis"])
        elif op == "ReduceMean":
            axes = tuple(int(v) for v in a["axes"])
            out = ins[0].mean(axis=axes, keepdims=bool(a.get("keepdims", 1)))
        else:
            raise NotImplementedError("numpy reference: op %s not implemented" % op)
        env[node.output[0]] = out
    return [env[o.name] for o in model.graph.output]


# ------------------------------------------------------------------------- export
def export_onnx(ens, path, k, xte, log):
    import onnx
    ens.eval()
    out_dir = os.path.dirname(path)
    before = set(os.listdir(out_dir))
    dummy = torch.from_numpy(xte[:2].astype(np.float32)).unsqueeze(1)
    kwargs = dict(opset_version=OPSET, input_names=["image"],
                  output_names=["mean_probs", "member_probs"],
                  dynamic_axes={"image": {0: "N"}, "mean_probs": {0: "N"}, "member_probs": {0: "N"}},
                  do_constant_folding=True)
    try:
        torch.onnx.export(ens, (dummy,), path, dynamo=False, **kwargs)
    except TypeError:  # older torch: no dynamo kwarg, classic exporter is the only one
        torch.onnx.export(ens, (dummy,), path, **kwargs)
    model = onnx.load(path, load_external_data=True)
    model.doc_string = ("LabelStream Fashion-MNIST ensemble of %d CNNs. Input image: float32 "
                        "[N,1,28,28] raw grayscale 0..255 (0 = black); normalisation inside." % k)
    model.producer_name = "labelstream-model-train"
    for key, val in (("name", MODEL_NAME), ("version", MODEL_VERSION),
                     ("classNames", json.dumps(CLASS_NAMES)), ("members", str(k))):
        p = model.metadata_props.add()
        p.key, p.value = key, val
    onnx.save(model, path, save_as_external_data=False)
    for f in set(os.listdir(out_dir)) - before:  # external-data side files, if any
        if f != os.path.basename(path):
            log("removing stray export file " + f)
            os.remove(os.path.join(out_dir, f))
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    # shape contract
    g = model.graph
    dims = lambda vi: [d.dim_param or d.dim_value for d in vi.type.tensor_type.shape.dim]
    assert [i.name for i in g.input] == ["image"], [i.name for i in g.input]
    assert dims(g.input[0]) == ["N", 1, 28, 28], dims(g.input[0])
    assert g.input[0].type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert [o.name for o in g.output] == ["mean_probs", "member_probs"]
    assert dims(g.output[0]) == ["N", 10], dims(g.output[0])
    assert dims(g.output[1]) == ["N", k, 10], dims(g.output[1])
    assert model.opset_import[0].version == OPSET
    for init in g.initializer:
        assert init.data_location != onnx.TensorProto.EXTERNAL
    # numerical check vs torch on a batch of real test images (batch size != export size)
    batch = xte[100:164].astype(np.float32)[:, None]
    ref_mean, ref_members = numpy_reference_run(model, {"image": batch})
    with torch.no_grad():
        t_mean, t_members = ens(torch.from_numpy(batch))
    d1 = float(np.abs(ref_mean - t_mean.numpy()).max())
    d2 = float(np.abs(ref_members - t_members.numpy()).max())
    log("ONNX check: ops=%s max|diff| mean_probs %.2e member_probs %.2e"
        % (sorted({n.op_type for n in g.node}), d1, d2))
    assert ref_mean.shape == (64, 10) and ref_members.shape == (64, k, 10)
    assert d1 < 1e-4 and d2 < 1e-4, "ONNX graph disagrees with torch"
    assert (ref_mean.argmax(1) == t_mean.numpy().argmax(1)).all()
    # batch size 1 must work too (dynamic axis N)
    one = xte[7:8].astype(np.float32)[:, None]
    r1_mean, r1_members = numpy_reference_run(model, {"image": one})
    with torch.no_grad():
        t1_mean, t1_members = ens(torch.from_numpy(one))
    assert r1_mean.shape == (1, 10) and r1_members.shape == (1, k, 10)
    d3 = max(float(np.abs(r1_mean - t1_mean.numpy()).max()),
             float(np.abs(r1_members - t1_members.numpy()).max()))
    assert d3 < 1e-4, "ONNX graph disagrees with torch at batch size 1"
    log("ONNX check batch size 1: max|diff| %.2e" % d3)
    return {"verifiedBatch": 64, "maxAbsDiffMeanProbs": d1, "maxAbsDiffMemberProbs": d2,
            "verifiedBatchSize1MaxAbsDiff": d3,
            "ops": sorted({n.op_type for n in g.node})}


# ------------------------------------------------------------------------ samples
def write_samples(out_dir, xte, yte, log):
    from PIL import Image
    sdir = os.path.join(out_dir, "samples")
    os.makedirs(sdir, exist_ok=True)
    lines = ["file,label,class"]
    for i in range(N_SAMPLES):
        name = "test-%05d.png" % i
        Image.fromarray(xte[i], mode="L").save(os.path.join(sdir, name), optimize=True)
        lines.append("%s,%d,%s" % (name, int(yte[i]), CLASS_NAMES[int(yte[i])]))
    with open(os.path.join(sdir, "labels.csv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    # round-trip check: exact bytes
    for i in range(N_SAMPLES):
        im = Image.open(os.path.join(sdir, "test-%05d.png" % i))
        assert im.mode == "L" and im.size == (28, 28)
        assert np.array_equal(np.asarray(im), xte[i])
    with open(LICENSE_SRC) as f:
        src = f.read()
    lic = src[src.index("License: Expat\n Permission"):]
    lic = "\n".join(l[1:] if l.startswith(" ") else l for l in lic.splitlines()[1:])
    lic = lic.replace("\n.\n", "\n\n")
    with open(os.path.join(sdir, "LICENSE"), "w") as f:
        f.write("These are the first 1,000 test images (t10k) of Fashion-MNIST by Zalando "
                "Research (https://github.com/zalandoresearch/fashion-mnist), saved as 28x28 "
                "8-bit grayscale PNG files with the dataset's exact pixel bytes.\n\n"
                "Fashion-MNIST is licensed under the MIT (Expat) licence:\n\n"
                "Copyright (c) 2017 Zalando SE, https://tech.zalando.com\n\n" + lic.strip() + "\n")
    log("wrote %d sample PNGs + labels.csv + LICENSE to %s" % (N_SAMPLES, sdir))


# --------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--members", type=int, default=5)
    ap.add_argument("--width", type=int, default=WIDTH)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=0.05, help="OneCycle peak learning rate (SGD)")
    ap.add_argument("--weight-decay", type=float, default=5e-4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--no-samples", action="store_true", help="do not (re)write samples/")
    ap.add_argument("--checkpoint", default=None, help="also save the trained members here")
    ap.add_argument("--max-train", type=int, default=None, help="smoke tests only")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    log = lambda s: print(time.strftime("%H:%M:%S ") + s, flush=True)

    xtr_all, ytr_all, xte, yte = load_data()
    n_train = 60000 - N_VAL
    xtr, ytr = xtr_all[:n_train], ytr_all[:n_train]
    xva, yva = xtr_all[n_train:], ytr_all[n_train:]
    if args.max_train:
        xtr, ytr = xtr[:args.max_train], ytr[:args.max_train]
    # pad with black (raw 0) before normalising, for the random-crop augmentation
    xp = normalise(np.pad(xtr, ((0, 0), (PAD, PAD), (PAD, PAD))))[:, 0].contiguous()
    y_t = torch.from_numpy(ytr.astype(np.int64))
    xva_n = normalise(xva)
    log("train %d, validation %d (last %d of train), test %d" % (len(xtr), len(xva), N_VAL, len(xte)))

    seeds = [args.seed + 1000 * i for i in range(args.members)]
    t_start = time.time()
    members, temps = [], []
    for i, s in enumerate(seeds):
        log("member %d/%d (seed %d)" % (i + 1, args.members, s))
        m = train_member(s, xp, y_t, args.epochs, args.batch_size, args.lr, args.weight_decay,
                         args.width, log)
        lg = member_logits(m, xva_n)
        t, nll_t, nll_1 = fit_temperature(lg, yva)
        log("  seed %d val acc %.4f; temperature %.3f (val NLL %.4f -> %.4f); %.0f s so far"
            % (s, float((lg.argmax(1).numpy() == yva).mean()), t, nll_1, nll_t, time.time() - t_start))
        fold_temperature(m, t)
        members.append(m)
        temps.append(round(t, 4))
    train_seconds = time.time() - t_start
    log("training done in %.1f s" % train_seconds)
    if args.checkpoint:
        torch.save({"state_dicts": [m.state_dict() for m in members], "temperatures": temps,
                    "args": vars(args)}, args.checkpoint)

    ens = Ensemble(members).eval()
    n_params = sum(p.numel() for p in members[0].parameters())
    va_mean, va_members = predict(ens, xva)
    te_mean, te_members = predict(ens, xte)
    val_acc = float((va_mean.argmax(1) == yva).mean())
    test_acc = float((te_mean.argmax(1) == yte).mean())
    member_val = [round(float((va_members[:, j].argmax(1) == yva).mean()), 4) for j in range(args.members)]
    member_test = [round(float((te_members[:, j].argmax(1) == yte).mean()), 4) for j in range(args.members)]
    log("ensemble val acc %.4f test acc %.4f; members val %s test %s"
        % (val_acc, test_acc, member_val, member_test))

    onnx_path = os.path.join(args.out, MODEL_NAME + ".onnx")
    check = export_onnx(ens, onnx_path, args.members, xte, log)
    onnx_bytes = os.path.getsize(onnx_path)
    log("wrote %s (%d bytes)" % (onnx_path, onnx_bytes))

    if not args.no_samples:
        write_samples(args.out, xte, yte, log)

    val_cut = best_cut(va_mean, yva)
    test_cut = best_cut(te_mean, yte)
    test_at_val = at_threshold(te_mean, yte, val_cut["threshold"]) if val_cut else None
    log("best cut >= 99%%: test %s; validation %s; test at validation cut %s"
        % (test_cut, val_cut, test_at_val))
    w = args.width
    card = {
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "description": "Ensemble of %d BatchNorm CNNs (conv%d-pool-conv%d-conv%d-pool-conv%d-conv%d-"
                       "fc10, per-member temperature scaling) for Fashion-MNIST; routing score = "
                       "max(mean_probs)." % (args.members, w, 2 * w, 2 * w, 4 * w, 4 * w),
        "file": MODEL_NAME + ".onnx",
        "fileBytes": onnx_bytes,
        "framework": {"format": "onnx", "opset": OPSET, "irVersion": None,
                      "exportedWith": "torch %s (TorchScript exporter), onnx %s"
                                      % (torch.__version__, __import__("onnx").__version__)},
        "input": {"name": "image", "shape": [-1, 1, 28, 28], "layout": "NCHW", "dtype": "float32",
                  "pixelScaling": "raw 0-255 grayscale, 0 = black; normalisation is inside the graph",
                  "width": 28, "height": 28, "channels": 1,
                  "normalisationInsideGraph": "(pixel/255 - %.4f) / %.4f" % (PIXEL_MEAN, PIXEL_STD)},
        "classNames": CLASS_NAMES,
        "outputs": [
            {"name": "mean_probs", "shape": [-1, 10], "dtype": "float32",
             "description": "mean of the members' temperature-scaled softmax probabilities, "
                            "label order = classNames"},
            {"name": "member_probs", "shape": [-1, args.members, 10], "dtype": "float32",
             "description": "each member's temperature-scaled softmax probabilities"},
        ],
        "members": args.members,
        "memberSeeds": seeds,
        "parametersPerMember": n_params,
        "trainingData": {
            "dataset": "Fashion-MNIST (Zalando Research), Debian package dataset-fashion-mnist",
            "licence": "MIT",
            "train": int(len(xtr)), "validation": N_VAL,
            "validationSplit": "last 5000 images of the official training set",
            "test": int(len(xte)),
        },
        "training": {
            "seed": args.seed, "epochs": args.epochs,
            "optimizer": "SGD (Nesterov momentum 0.9, weight decay %g), OneCycle LR schedule"
                         % args.weight_decay,
            "learningRate": args.lr,
            "batchSize": args.batch_size, "threads": args.threads,
            "augmentation": "random 28x28 crop of the image padded by %d black px, random "
                            "horizontal flip" % PAD,
            "temperatureScaling": "per member, temperature fitted on the validation split "
                                  "(minimum NLL), folded into the member's last fc layer",
            "memberTemperatures": temps,
            "command": "/usr/bin/python3 model/train.py --seed %d --epochs %d --members %d"
                       % (args.seed, args.epochs, args.members),
            "wallTimeSeconds": round(train_seconds, 1),
            "machine": "%s, %d CPU cores, torch %s" % (platform.machine(), os.cpu_count(), torch.__version__),
        },
        "seed": args.seed,
        "epochs": args.epochs,
        "validationAccuracy": round(val_acc, 4),
        "testAccuracy": round(test_acc, 4),
        "memberValidationAccuracy": member_val,
        "memberTestAccuracy": member_test,
        "coverageAtAccuracy": {
            "score": "max of mean_probs; an image is accepted when score >= threshold",
            "validation": coverage_curve(va_mean, yva),
            "test": coverage_curve(te_mean, yte),
            "testBestCutAt99": test_cut,
            "validationBestCutAt99": val_cut,
            "testAtValidationCut99": test_at_val,
        },
        "onnxVerification": check,
    }
    import onnx
    card["framework"]["irVersion"] = onnx.load(onnx_path).ir_version
    with open(os.path.join(args.out, MODEL_NAME + ".card.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    log("wrote card; total wall time %.1f s" % (time.time() - t_start))


if __name__ == "__main__":
    main()
