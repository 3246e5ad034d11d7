#!/usr/bin/python3
"""Train the LabelStream Fashion-MNIST CNN ensemble and export it as one ONNX graph.

Run from the repository root with the Debian python (python3-torch, python3-onnx,
dataset-fashion-mnist):

    /usr/bin/python3 model/train.py --seed 42 --epochs 5 --members 5

Writes into model/ (or --out):
  fashion-mnist-ensemble.onnx       single self-contained ONNX file (opset 17)
  fashion-mnist-ensemble.card.json  model card with measured metrics
  samples/                          first 1,000 test images as PNG + labels.csv + LICENSE

Split: train = first 55,000 training images, validation = last 5,000 training
images, test = the 10,000 official test images.

Graph contract: input "image" float32 [N,1,28,28] NCHW, raw grayscale 0..255
(0 = black, exactly the dataset / PNG bytes); normalisation happens inside the
graph. Outputs "mean_probs" [N,10] (mean of member softmaxes) and
"member_probs" [N,K,10].
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
MODEL_VERSION = "1.0.0"
OPSET = 17
N_VAL = 5000
N_SAMPLES = 1000
THRESHOLDS = [0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95,
              0.97, 0.98, 0.99, 0.995, 0.999]
# Normalisation constants (Fashion-MNIST pixel mean/std on the 0..1 scale);
# they are baked into the exported graph.
PIXEL_MEAN = 0.2860
PIXEL_STD = 0.3530


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
class Member(nn.Module):
    """conv32-pool-conv64-pool-fc28-fc10; expects already-normalised input."""

    def __init__(self, hidden=28):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc1 = nn.Linear(64 * 7 * 7, hidden)
        self.fc2 = nn.Linear(hidden, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)  # logits


class Ensemble(nn.Module):
    """Raw 0..255 pixels in, (mean_probs [N,10], member_probs [N,K,10]) out."""

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


def train_member(seed, x, y, epochs, batch_size, lr, log):
    torch.manual_seed(seed)
    model = Member()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    n = x.shape[0]
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(n, generator=gen)
        t0 = time.time()
        total, correct, loss_sum = 0, 0, 0.0
        for i in range(0, n, batch_size):
            idx = perm[i:i + batch_size]
            xb, yb = x[idx], y[idx]
            opt.zero_grad()
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
            correct += (out.argmax(1) == yb).sum().item()
            total += len(idx)
        log("  seed %d epoch %d/%d loss %.4f train-acc %.4f (%.1fs)"
            % (seed, epoch + 1, epochs, loss_sum / total, correct / total, time.time() - t0))
    model.eval()
    return model


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
    return {"verifiedBatch": 64, "maxAbsDiffMeanProbs": d1, "maxAbsDiffMemberProbs": d2,
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
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--members", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
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
    x_t, y_t = normalise(xtr), torch.from_numpy(ytr.astype(np.int64))
    log("train %d, validation %d (last %d of train), test %d" % (len(xtr), len(xva), N_VAL, len(xte)))

    seeds = [args.seed + 1000 * i for i in range(args.members)]
    t_start = time.time()
    members = []
    for i, s in enumerate(seeds):
        log("member %d/%d (seed %d)" % (i + 1, args.members, s))
        members.append(train_member(s, x_t, y_t, args.epochs, args.batch_size, args.lr, log))
    train_seconds = time.time() - t_start
    log("training done in %.1f s" % train_seconds)

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

    write_samples(args.out, xte, yte, log)

    val_cut = best_cut(va_mean, yva)
    card = {
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "description": "Ensemble of %d small CNNs (conv32-pool-conv64-pool-fc28-fc10) for "
                       "Fashion-MNIST; routing score = max(mean_probs)." % args.members,
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
             "description": "mean of the members' softmax probabilities, label order = classNames"},
            {"name": "member_probs", "shape": [-1, args.members, 10], "dtype": "float32",
             "description": "each member's softmax probabilities"},
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
            "seed": args.seed, "epochs": args.epochs, "optimizer": "Adam", "learningRate": args.lr,
            "batchSize": args.batch_size, "threads": args.threads,
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
            "testBestCutAt99": best_cut(te_mean, yte),
            "validationBestCutAt99": val_cut,
            "testAtValidationCut99": at_threshold(te_mean, yte, val_cut["threshold"]) if val_cut else None,
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
