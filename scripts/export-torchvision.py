#!/usr/bin/env python3
"""Export a torchvision image classifier to ONNX with a LabelStream model card (v2) beside it.

    /usr/bin/python3 scripts/export-torchvision.py --arch mobilenet_v3_small --random-weights --out models/cams/model.onnx
    /usr/bin/python3 scripts/export-torchvision.py --arch resnet18 --weights my-finetuned.pth --classes 4 \
        --labels classes.txt --out models/cams/model.onnx

Writes model.onnx ([N,3,H,W] float32 RGB, batch axis free, one output "logits" [N,C]) and model.card.json: the
input section says how torchvision models are fed (0-255 pixels scaled by 1/255, then ImageNet mean and std per
channel, RGB, channels first), so the worker prepares a camera frame as torchvision's eval transform would.

Needs torch and torchvision (tested with torch 1.13 and torchvision 0.14) and onnx for the graph check. No weights
are downloaded: --random-weights is for throughput measurements, --weights for your own trained state dict.
"""
import argparse
import json
import os
import sys

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--arch", required=True, help="a torchvision.models constructor: mobilenet_v3_small, resnet18, ...")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--random-weights", action="store_true",
                        help="seeded random weights: the right size and speed, meaningless answers (benchmarks)")
    source.add_argument("--weights", metavar="FILE.pth",
                        help="a state dict saved with torch.save(model.state_dict(), FILE) for this --arch")
    p.add_argument("--classes", type=int,
                   help="number of classes of the final layer (default: the labels file's count, else 1000)")
    p.add_argument("--labels", metavar="FILE", help="class names, one per line, in output order")
    p.add_argument("--out", required=True, metavar="DIR/NAME.onnx", help="the .onnx to write; the card goes beside it")
    p.add_argument("--size", type=int, default=224, help="input width and height in pixels (default 224)")
    p.add_argument("--resize", choices=["center-crop", "stretch", "letterbox"], default="center-crop",
                   help="how the worker fits a frame to the input (default center-crop, as torchvision's eval "
                        "transform: keep the aspect ratio, cut the centre; use stretch if you trained on "
                        "Resize((H, W)) of whole frames)")
    p.add_argument("--name", help="model name in the card (default: the .onnx file's base name)")
    p.add_argument("--version", default="1.0.0", help="model version in the card (default 1.0.0)")
    p.add_argument("--opset", type=int, default=17, help="ONNX opset (default 17)")
    p.add_argument("--force", action="store_true", help="overwrite an existing .onnx or card")
    return p.parse_args(argv)


def read_labels(path):
    with open(path, encoding="utf-8") as f:
        names = [line.strip() for line in f if line.strip()]
    if len(set(names)) != len(names):
        sys.exit(f"{path}: class names must be distinct")
    return names


def build_model(args, classes):
    import torch
    import torchvision

    if not hasattr(torchvision.models, args.arch):
        sys.exit(f"torchvision {torchvision.__version__} has no model '{args.arch}'")
    torch.manual_seed(0)
    model = getattr(torchvision.models, args.arch)(num_classes=classes)
    if args.weights:
        state = torch.load(args.weights, map_location="cpu")
        if isinstance(state, dict) and "state_dict" in state:  # a training checkpoint rather than a bare state dict
            state = state["state_dict"]
        try:
            model.load_state_dict(state)
        except RuntimeError as e:  # missing or unexpected keys, or a final layer of another size
            sys.exit(f"{args.weights} does not fit {args.arch} with {classes} classes (pass --classes to match "
                     f"your final layer): {e}")
    return model.eval()


def export(model, args, path):
    import torch

    dummy = torch.rand(2, 3, args.size, args.size)
    with torch.no_grad():
        expected = model(dummy)
        torch.onnx.export(model, dummy, path, input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                          opset_version=args.opset, do_constant_folding=True)
    try:
        import onnx
        onnx.checker.check_model(onnx.load(path))
    except ImportError:
        print("onnx is not installed: the graph was not checked", file=sys.stderr)
    return list(expected.shape)


def card(args, classes, names, onnx_file):
    return {
        "name": args.name or os.path.basename(onnx_file)[: -len(".onnx")],
        "version": args.version,
        "description": f"torchvision {args.arch}, "
                       + ("random weights (for throughput only)" if args.random_weights else f"weights {os.path.basename(args.weights)}"),
        "task": "classification",
        "input": {
            "name": "input",
            "layout": "NCHW",
            "channels": 3,
            "colorOrder": "RGB",
            "width": args.size,
            "height": args.size,
            "resize": args.resize,
            "dtype": "float32",
            "scale": 1 / 255,
            "mean": IMAGENET_MEAN,
            "std": IMAGENET_STD,
        },
        "output": {"name": "logits", "kind": "logits"},
        "classNames": names if names else [f"class_{i}" for i in range(classes)],
        "framework": {"format": "onnx", "opset": args.opset, "exportedWith": "scripts/export-torchvision.py"},
    }


def main(argv):
    args = parse_args(argv)
    if not args.out.endswith(".onnx"):
        sys.exit("--out must name an .onnx file")
    card_file = args.out[: -len(".onnx")] + ".card.json"
    for existing in (args.out, card_file):
        if os.path.exists(existing) and not args.force:
            sys.exit(f"{existing} exists; pass --force to overwrite it")
    names = read_labels(args.labels) if args.labels else None
    classes = args.classes or (len(names) if names else 1000)
    if names and len(names) != classes:
        sys.exit(f"{args.labels} names {len(names)} classes but --classes is {classes}")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)

    model = build_model(args, classes)
    shape = export(model, args, args.out)
    if shape[-1] != classes:
        sys.exit(f"the exported model answers {shape[-1]} values per image, not {classes}")
    with open(card_file, "w", encoding="utf-8") as f:
        json.dump(card(args, classes, names, args.out), f, indent=2)
        f.write("\n")
    print(f"wrote {args.out} ({os.path.getsize(args.out) / 1e6:.1f} MB, input [batch,3,{args.size},{args.size}], "
          f"output logits [batch,{classes}]) and {card_file}")


if __name__ == "__main__":
    main(sys.argv[1:])
