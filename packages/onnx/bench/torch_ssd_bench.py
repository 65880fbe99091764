"""Forward time of SSD architectures in PyTorch (CPU), for onnx-bench's side-by-side rows.

A compact definition of each architecture as the reference builds it (layer sizes, feature taps, extras, box
heads), with random weights: enough to time it, not to load checkpoints. Prints one JSON object per line:
{"model", "batch", "ms_per_image"}. Run with OMP_NUM_THREADS set to the cores to use.
Usage: python3 torch_ssd_bench.py --models mobilenet_v2_ssd320_voc0712,vgg_ssd300_voc0712 --batch 1 --iters 5
"""
import argparse
import json
import time

import torch
from torch import nn
from torchvision.models import mobilenet_v2
from torchvision.models.mobilenetv2 import InvertedResidual

NUM_CLASSES = 21


def vgg_ssd300():
    """VGG16 (pool3 ceil mode, pool5 3x3/1/1, dilated conv6, 1x1 conv7), L2Norm tap, extras, 3x3 heads."""
    layers, c = [], 3
    for v in [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'C', 512, 512, 512, 'M', 512, 512, 512]:
        if v in ('M', 'C'):
            layers.append(nn.MaxPool2d(2, 2, ceil_mode=v == 'C'))
        else:
            layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU(inplace=True)]
            c = v
    layers += [nn.MaxPool2d(3, 1, 1), nn.Conv2d(512, 1024, 3, padding=6, dilation=6), nn.ReLU(inplace=True),
               nn.Conv2d(1024, 1024, 1), nn.ReLU(inplace=True)]
    vgg = nn.ModuleList(layers)
    extras = nn.ModuleList([nn.Conv2d(1024, 256, 1), nn.Conv2d(256, 512, 3, 2, 1), nn.Conv2d(512, 128, 1),
                            nn.Conv2d(128, 256, 3, 2, 1), nn.Conv2d(256, 128, 1), nn.Conv2d(128, 256, 3),
                            nn.Conv2d(256, 128, 1), nn.Conv2d(128, 256, 3)])
    l2_weight = nn.Parameter(torch.full((512,), 20.0))

    def features(x):
        out = []
        for i, layer in enumerate(vgg):
            x = layer(x)
            if i == 22:
                out.append(x / (x.pow(2).sum(1, keepdim=True).sqrt() + 1e-10) * l2_weight.view(1, -1, 1, 1))
        out.append(x)
        for i, conv in enumerate(extras):
            x = torch.relu(conv(x))
            if i % 2 == 1:
                out.append(x)
        return out

    channels, boxes = [512, 1024, 512, 256, 256, 256], [4, 6, 6, 6, 4, 4]
    heads = [(nn.Conv2d(c, b * NUM_CLASSES, 3, padding=1), nn.Conv2d(c, b * 4, 3, padding=1))
             for c, b in zip(channels, boxes)]
    return features, heads, nn.ModuleList([vgg, extras, *[m for h in heads for m in h]]), 300


def separable(c, out):
    return nn.Sequential(nn.Conv2d(c, c, 3, padding=1, groups=c), nn.BatchNorm2d(c), nn.ReLU6(),
                         nn.Conv2d(c, out, 1))


def mobilenet_v2_ssd320():
    """torchvision MobileNetV2 features tapped after block 13 and at the end, 4 inverted-residual extras, SSDLite heads."""
    body = mobilenet_v2().features
    extras = nn.ModuleList([InvertedResidual(1280, 512, 2, 0.2), InvertedResidual(512, 256, 2, 0.25),
                            InvertedResidual(256, 256, 2, 0.5), InvertedResidual(256, 64, 2, 0.25)])

    def features(x):
        x = body[:14](x)
        out = [x]
        x = body[14:](x)
        out.append(x)
        for block in extras:
            x = block(x)
            out.append(x)
        return out

    channels = [96, 1280, 512, 256, 256, 64]
    heads = [(separable(c, 6 * NUM_CLASSES), separable(c, 6 * 4)) if i < 5 else
             (nn.Conv2d(c, 6 * NUM_CLASSES, 1), nn.Conv2d(c, 6 * 4, 1)) for i, c in enumerate(channels)]
    return features, heads, nn.ModuleList([body, extras, *[m for h in heads for m in h]]), 320


MODELS = {'vgg_ssd300_voc0712': vgg_ssd300, 'mobilenet_v2_ssd320_voc0712': mobilenet_v2_ssd320}


def forward(features, heads, images):
    """Class scores (softmax) and box regressions [N, P, *], priors ordered (map, row, column, box)."""
    cls, reg = [], []
    for f, (c, r) in zip(features(images), heads):
        cls.append(c(f).permute(0, 2, 3, 1).reshape(images.shape[0], -1, NUM_CLASSES))
        reg.append(r(f).permute(0, 2, 3, 1).reshape(images.shape[0], -1, 4))
    return torch.softmax(torch.cat(cls, 1), 2), torch.cat(reg, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--models', default=','.join(MODELS))
    parser.add_argument('--batch', type=int, default=1)
    parser.add_argument('--iters', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=2)
    args = parser.parse_args()
    torch.manual_seed(0)
    for name in args.models.split(','):
        features, heads, module, size = MODELS[name]()
        module.eval()
        images = torch.randn(args.batch, 3, size, size) * 60
        with torch.no_grad():
            for _ in range(args.warmup):
                forward(features, heads, images)
            start = time.perf_counter()
            for _ in range(args.iters):
                forward(features, heads, images)
            ms = (time.perf_counter() - start) * 1000 / args.iters / args.batch
        print(json.dumps({'model': name, 'batch': args.batch, 'ms_per_image': ms}), flush=True)


if __name__ == '__main__':
    main()
