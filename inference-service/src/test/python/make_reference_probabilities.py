"""Reference probabilities for ReferenceProbabilitiesTest: what each generated test model answers on a few small
PNG pictures, computed outside Java.

For every picture and model: the input tensor comes from the NumPy reference of the documented preprocessing
(src/test/resources/preprocessing/make_fixtures.py, built from the model's committed card.json); the answer comes
from running the model's own torch definition (make_test_models.py, the same fixed weights that were exported to
ONNX) on that tensor in torch, with softmax where the card says logits. The Java test decodes the same PNG with
FrameDecoder, runs the committed .onnx in ONNX Runtime through OnnxModel, and must agree within 1e-4.

Run from anywhere: /usr/bin/python3 inference-service/src/test/python/make_reference_probabilities.py
It writes src/test/resources/probabilities/<picture>.png and <picture>.<model>.txt (see write_expected()).
Needs numpy, PIL and torch (1.13 as in Debian 12); the test does not.
"""
import json
import os
import sys

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
RESOURCES = os.path.join(HERE, "..", "resources")
OUT = os.path.join(RESOURCES, "probabilities")
sys.path.insert(0, os.path.join(RESOURCES, "preprocessing"))
sys.path.insert(0, HERE)

import make_fixtures  # noqa: E402  the NumPy reference of the preprocessing
import make_test_models  # noqa: E402  the models' torch definitions

MODELS = {
    "colour-nchw-logits": make_test_models.NchwNormalisedLogits,
    "colour-nhwc-uint8-bgr": make_test_models.NhwcUint8BgrProbabilities,
    "grey-nchw-logits": make_test_models.GreyLogits,
}
SAMPLES = 64


def pictures():
    """Colour pictures whose answers are well inside (0.01, 0.99) for every model: a mix of moderately saturated
    colours (the models are hand-set dominant-colour detectors whose logits move by 24 per unit of mean colour
    difference, so a frame of one pure colour saturates them). The centre differs from the edges, so a wrong fit
    (stretch, letterbox padding, centre crop) changes the answer; red and blue differ, so a wrong channel order
    does too. Both are enlarged by the colour models and shrunk by the grey one; one is wide, one tall, so letterbox
    pads rows of one and columns of the other, and center-crop cuts the sides of one and the top and bottom of the
    other."""
    rng = np.random.default_rng(1414)

    def scene(w, h, warm):
        y, x = np.mgrid[0:h, 0:w].astype(np.float64)
        u, v = x / (w - 1), y / (h - 1)
        blob = np.exp(-((u - 0.5) ** 2 + (v - 0.5) ** 2) / 0.04)
        if warm:  # reddish and dark, a green blob in the middle
            r = 150 - 70 * u + 25 * np.sin(7 * v)
            g = 70 + 110 * blob
            b = 60 + 120 * u * v
        else:  # bluish and bright, darker in the middle
            r = 140 + 30 * u
            g = 180 - 80 * blob + 20 * np.cos(5 * u)
            b = 160 + 40 * v - 30 * blob
        rgb = np.stack([r, g, b], axis=-1) + rng.normal(0, 10, (h, w, 3))
        return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)

    yield "warm-96x54", Image.fromarray(scene(96, 54, warm=True), "RGB")
    yield "cool-40x64", Image.fromarray(scene(40, 64, warm=False), "RGB")


def variant(card):
    """The card's input section as a make_fixtures variant tuple, with the card's defaults."""
    i = card["input"]
    channels = i["channels"]
    return (card["name"], i["layout"], channels, i.get("colorOrder", "RGB"), i["width"], i["height"],
            i["resize"].upper().replace("-", "_"), i.get("padValue", 114), i["dtype"].upper(), i.get("scale", 1.0),
            i.get("mean", [0.0] * channels), i.get("std", [1.0] * channels))


TIE = 1e-4


def fed_tensor(image, v):
    """The tensor the model is fed, as the NumPy reference computes it, and for uint8 the values before rounding.

    float32: the reference values in float32 (the unrounded values are the same). uint8: floor(p + 0.5) as documented.
    Values that are exact ties (x.5) in real arithmetic are common when bilinear enlarging averages whole numbers;
    float32 (Java) and float64 (NumPy) each land a hair above or below them, so those bytes may differ by one between
    the two: the test accepts either neighbour for a value within TIE of x.5 and nothing else."""
    values = make_fixtures.reference_values(image, v)
    if v[8] == "UINT8":
        return np.clip(np.floor(values + 0.5), 0, 255).astype(np.uint8), values
    return values.astype(np.float32), values


def probabilities(name, card, tensor):
    """The torch model's answer on one image's tensor, in float64 where the input is float (float32 as a cross-check,
    returned second); the uint8 model computes in float32 from the exact bytes, as its definition says."""
    model = MODELS[name]().eval()
    batch = torch.from_numpy(tensor).unsqueeze(0)
    logits = card["output"]["kind"] == "logits"

    def answer(m, x):
        with torch.no_grad():
            scores = m(x)[0]
        return torch.softmax(scores, dim=0) if logits else scores

    single = answer(model, batch).double().numpy()
    if tensor.dtype == np.uint8:
        return single, single
    return answer(model.double(), batch.double()).numpy(), single


def sample_indices(size):
    """Spread over the whole tensor, first and last value included."""
    return sorted(set(np.rint(np.linspace(0, size - 1, SAMPLES)).astype(int).tolist()))


def per_channel(values, layout):
    """(channels, values) in the card's channel order."""
    return values.reshape(values.shape[0], -1) if layout == "NCHW" else values.reshape(-1, values.shape[-1]).T


def write_expected(path, picture, name, card, tensor, unrounded, probs):
    """Plain text, one `key values...` per line: the probabilities in the card's class order; the fed tensor's mean
    per channel (in the card's channel order) and, per channel, how many of its values are ties that may round
    either way (uint8 only, see fed_tensor()); the tensor's values before any rounding at a few spread-out flat
    indices."""
    layout = card["input"]["layout"]
    channels = per_channel(tensor.astype(np.float64), layout)
    fractions = per_channel(unrounded - np.floor(unrounded), layout)
    ties = (np.abs(fractions - 0.5) < TIE).sum(axis=1) if tensor.dtype == np.uint8 else np.zeros(len(channels), int)
    flat = unrounded.reshape(-1)
    indices = sample_indices(flat.size)
    with open(path, "w") as f:
        f.write(f"# {picture}.png through {name}: written by src/test/python/make_reference_probabilities.py\n")
        f.write("probabilities " + " ".join(repr(float(p)) for p in probs) + "\n")
        f.write("channel_means " + " ".join(repr(float(c.mean())) for c in channels) + "\n")
        f.write("channel_ties " + " ".join(str(int(t)) for t in ties) + "\n")
        f.write("tensor_indices " + " ".join(str(i) for i in indices) + "\n")
        f.write("tensor_values " + " ".join(repr(float(flat[i])) for i in indices) + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    cards = {}
    for name in MODELS:
        with open(os.path.join(RESOURCES, "models", name, name + ".card.json")) as f:
            cards[name] = json.load(f)
    worst = 0.0
    for picture, image in pictures():
        png = os.path.join(OUT, picture + ".png")
        image.save(png)
        reread = Image.open(png)
        for name, card in cards.items():
            tensor, unrounded = fed_tensor(reread, variant(card))
            probs, single = probabilities(name, card, tensor)
            worst = max(worst, float(np.abs(probs - single).max()))
            write_expected(os.path.join(OUT, f"{picture}.{name}.txt"), picture, name, card, tensor, unrounded,
                           probs)
            print(picture, name, " ".join(f"{p:.4f}" for p in probs))
    print(f"torch float32 vs float64 probabilities: at most {worst:.2e} apart")


if __name__ == "__main__":
    main()
