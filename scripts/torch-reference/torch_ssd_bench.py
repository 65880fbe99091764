"""Forward time of SSD architectures in PyTorch (CPU), for @ssd/onnx's bench (packages/onnx/bench/onnx-bench.ts).

The reference's architectures (ssd_torch.py) with random weights: images in, class probabilities (softmax) and
box regressions out. Prints one JSON object per line: {"model", "batch", "ms_per_image"}.
Run with OMP_NUM_THREADS set to the cores to use.
Usage: python3 torch_ssd_bench.py --models mobilenet_v2_ssd320_voc0712,vgg_ssd300_voc0712 --batch 1 --iters 5
"""
import argparse
import json
import time

import torch

from ssd_torch import ARCHITECTURES, build_model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--models', default=','.join(ARCHITECTURES))
    parser.add_argument('--batch', type=int, default=1)
    parser.add_argument('--iters', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=2)
    args = parser.parse_args()
    torch.manual_seed(0)
    for name in args.models.split(','):
        model, size = build_model(name)
        model.eval()
        images = torch.randn(args.batch, 3, size, size) * 60

        def forward():
            cls_logits, bbox_pred = model(images)
            return torch.softmax(cls_logits, 2), bbox_pred

        with torch.no_grad():
            for _ in range(args.warmup):
                forward()
            start = time.perf_counter()
            for _ in range(args.iters):
                forward()
            ms = (time.perf_counter() - start) * 1000 / args.iters / args.batch
        print(json.dumps({'model': name, 'batch': args.batch, 'ms_per_image': ms}), flush=True)


if __name__ == '__main__':
    main()
