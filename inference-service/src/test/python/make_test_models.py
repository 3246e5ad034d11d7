"""Writes the tiny image classifiers the inference tests feed, in the shapes users bring, with their model cards.

Each model answers "which colour dominates the picture": red, green or blue. The weights are fixed by hand, not
trained, so the answer is unambiguous for a frame that is mostly one pure colour, and it is wrong when the tensor
is packed in the wrong layout or channel order (a BGR model fed RGB calls red blue). The files are committed under
src/test/resources/models/<name>/ so no test needs Python; run this again only to change them:

    /usr/bin/python3 inference-service/src/test/python/make_test_models.py

(torch 1.13 and onnx 1.12, as in Debian 12.)

- colour-nchw-logits: torchvision style. [N,3,224,224] float32 RGB, scaled by 1/255 and normalised with the
  ImageNet mean and std; returns logits.
- colour-nhwc-uint8-bgr: [N,120,160,3] uint8 BGR (non-square, channels last, raw bytes); returns probabilities;
  class names in a labels file.
- grey-nchw-logits: [1,1,32,32] float32 grey scaled to 0-1, classes dark/bright; returns logits. Its batch is
  fixed at 1, as torch.onnx.export writes it without dynamic_axes (the worker then runs one image at a time).
"""
import json
import os

import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "models")
COLOURS = ["red", "green", "blue"]
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
SHARPNESS = 8.0


def dominant_colour_weights():
    """logit_c = k * (2 x_c - sum of the other two), x in 0..1: pure red gives (2k, -k, -k)."""
    return SHARPNESS * (3 * torch.eye(3) - torch.ones(3, 3))


class NchwNormalisedLogits(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3))
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3))
        self.register_buffer("w", dominant_colour_weights())

    def forward(self, image):
        normalised = image.mean(dim=(2, 3))             # [N,3]: average of (p/255 - mean) / std
        rgb = normalised * self.std + self.mean          # back to 0..1 per channel
        return rgb @ self.w.t()


class NhwcUint8BgrProbabilities(torch.nn.Module):
    def __init__(self):
        super().__init__()
        bgr_to_rgb = torch.tensor([[0.0, 0, 1], [0, 1, 0], [1, 0, 0]])
        self.register_buffer("w", dominant_colour_weights() @ bgr_to_rgb)

    def forward(self, pixels):
        bgr = pixels.float().mean(dim=(1, 2)) / 255.0     # [N,3] in B,G,R order
        return torch.softmax(bgr @ self.w.t(), dim=1)


class GreyLogits(torch.nn.Module):
    def forward(self, image):
        brightness = image.mean(dim=(1, 2, 3)).unsqueeze(1)   # [N,1], 0..1
        return torch.cat([SHARPNESS * (0.5 - brightness), SHARPNESS * (brightness - 0.5)], dim=1)


def export(model, name, example, input_name, output_name, card, labels=None, dynamic_batch=True):
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name + ".onnx")
    torch.onnx.export(model.eval(), example, path, input_names=[input_name], output_names=[output_name],
                      dynamic_axes={input_name: {0: "batch"}, output_name: {0: "batch"}} if dynamic_batch else None,
                      opset_version=17)
    graph = onnx.load(path)
    onnx.checker.check_model(graph, full_check=True)
    with open(os.path.join(folder, name + ".card.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    if labels:
        with open(os.path.join(folder, card["labelsFile"]), "w") as f:
            f.write("\n".join(labels) + "\n")
    print(name, os.path.getsize(path), "bytes")


def card(name, input_section, output_section, classes=None, labels_file=None, description=""):
    written = {"name": name, "version": "1.0.0", "task": "classification", "description": description,
               "input": input_section, "output": output_section}
    if labels_file:
        written["labelsFile"] = labels_file
    else:
        written["classNames"] = classes
    return written


def main():
    torch.manual_seed(0)
    export(NchwNormalisedLogits(), "colour-nchw-logits", torch.rand(1, 3, 224, 224), "image", "logits",
           card("colour-nchw-logits",
                {"name": "image", "layout": "NCHW", "channels": 3, "colorOrder": "RGB", "width": 224, "height": 224,
                 "resize": "stretch", "dtype": "float32", "scale": 1 / 255, "mean": IMAGENET_MEAN,
                 "std": IMAGENET_STD},
                {"name": "logits", "kind": "logits"}, classes=COLOURS,
                description="Test model: the dominant colour, torchvision style (ImageNet normalisation, logits)."))
    export(NhwcUint8BgrProbabilities(), "colour-nhwc-uint8-bgr",
           torch.randint(0, 256, (1, 120, 160, 3), dtype=torch.uint8), "pixels", "probabilities",
           card("colour-nhwc-uint8-bgr",
                {"name": "pixels", "layout": "NHWC", "channels": 3, "colorOrder": "BGR", "width": 160,
                 "height": 120, "resize": "letterbox", "padValue": 114, "dtype": "uint8"},
                {"name": "probabilities", "kind": "probabilities"},
                labels_file="colour-nhwc-uint8-bgr.labels.txt",
                description="Test model: the dominant colour from raw BGR bytes, channels last, 160x120."),
           labels=COLOURS)
    export(GreyLogits(), "grey-nchw-logits", torch.rand(1, 1, 32, 32), "image", "logits",
           card("grey-nchw-logits",
                {"name": "image", "layout": "NCHW", "channels": 1, "width": 32, "height": 32,
                 "resize": "center-crop", "dtype": "float32", "scale": 1 / 255},
                {"name": "logits", "kind": "logits"}, classes=["dark", "bright"],
                description="Test model: dark or bright, grey input scaled to 0-1, batch fixed at 1."),
           dynamic_batch=False)


if __name__ == "__main__":
    main()
