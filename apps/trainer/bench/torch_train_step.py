"""PyTorch side of bench/train-bench.js: training images/s of the same detector and batch size on the CPU.

Builds the network the config names (VGG16-SSD300 or MobileNetV2-SSDLite-320, layer for layer as the reference
defines them), then times SGD steps on a random batch: forward, MultiBox loss with 3:1 hard negative mining,
backward and the update. Threads come from OMP_NUM_THREADS. Prints images/s on its last line.
Usage: OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1 python3 torch_train_step.py NAME BATCH STEPS
"""
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models import mobilenet_v2
from torchvision.models.mobilenetv2 import InvertedResidual

NUM_CLASSES = 21


class L2Norm(nn.Module):
    def __init__(self, channels, scale=20.0):
        super().__init__()
        self.weight = nn.Parameter(torch.full((channels,), scale))

    def forward(self, x):
        return x / (x.norm(dim=1, keepdim=True) + 1e-10) * self.weight.view(1, -1, 1, 1)


def vgg_layers():
    """VGG16's convolutions as SSD300 uses them: ceil-mode pool3, stride-1 pool5, dilated fc6 and 1×1 fc7."""
    layers, c = [], 3
    for v in [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'C', 512, 512, 512, 'M', 512, 512, 512]:
        if v in ('M', 'C'):
            layers.append(nn.MaxPool2d(2, 2, ceil_mode=v == 'C'))
        else:
            layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU(inplace=True)]
            c = v
    layers += [
        nn.MaxPool2d(3, 1, 1),
        nn.Conv2d(512, 1024, 3, padding=6, dilation=6), nn.ReLU(inplace=True),
        nn.Conv2d(1024, 1024, 1), nn.ReLU(inplace=True),
    ]
    return nn.ModuleList(layers)


class VGGBackbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.vgg = vgg_layers()
        self.l2_norm = L2Norm(512)
        spec = [(1024, 256, 1, 1, 0), (256, 512, 3, 2, 1), (512, 128, 1, 1, 0), (128, 256, 3, 2, 1),
                (256, 128, 1, 1, 0), (128, 256, 3, 1, 0), (256, 128, 1, 1, 0), (128, 256, 3, 1, 0)]
        self.extras = nn.ModuleList(nn.Conv2d(i, o, k, s, p) for i, o, k, s, p in spec)

    def forward(self, x):
        features = []
        for i in range(23):
            x = self.vgg[i](x)
        features.append(self.l2_norm(x))
        for i in range(23, len(self.vgg)):
            x = self.vgg[i](x)
        features.append(x)
        for k, layer in enumerate(self.extras):
            x = F.relu(layer(x), inplace=True)
            if k % 2 == 1:
                features.append(x)
        return features


class MobileNetV2Backbone(nn.Module):
    """torchvision's MobileNetV2 tapped as SSDLite does (block 14's expansion and the last layer), plus extras."""

    def __init__(self):
        super().__init__()
        self.features = mobilenet_v2().features
        self.extras = nn.ModuleList([
            InvertedResidual(1280, 512, 2, 0.2), InvertedResidual(512, 256, 2, 0.25),
            InvertedResidual(256, 256, 2, 0.5), InvertedResidual(256, 64, 2, 0.25),
        ])

    def forward(self, x):
        features = []
        for i in range(14):
            x = self.features[i](x)
        expand = self.features[14].conv[0]
        x = expand(x)
        features.append(x)
        for layer in list(self.features[14].conv)[1:]:
            x = layer(x)
        for i in range(15, len(self.features)):
            x = self.features[i](x)
        features.append(x)
        for layer in self.extras:
            x = layer(x)
            features.append(x)
        return features


def separable(c_in, c_out):
    return nn.Sequential(nn.Conv2d(c_in, c_in, 3, padding=1, groups=c_in), nn.BatchNorm2d(c_in), nn.ReLU6(),
                         nn.Conv2d(c_in, c_out, 1))


class Detector(nn.Module):
    def __init__(self, backbone, channels, boxes, lite):
        super().__init__()
        self.backbone = backbone

        def head(c, out, last):
            return nn.Conv2d(c, out, 1) if lite and last else separable(c, out) if lite else nn.Conv2d(c, out, 3, padding=1)

        n = len(channels)
        self.cls = nn.ModuleList(head(c, b * NUM_CLASSES, i == n - 1) for i, (c, b) in enumerate(zip(channels, boxes)))
        self.reg = nn.ModuleList(head(c, b * 4, i == n - 1) for i, (c, b) in enumerate(zip(channels, boxes)))

    def forward(self, x):
        cls, reg = [], []
        for f, c, r in zip(self.backbone(x), self.cls, self.reg):
            cls.append(c(f).permute(0, 2, 3, 1).reshape(x.shape[0], -1, NUM_CLASSES))
            reg.append(r(f).permute(0, 2, 3, 1).reshape(x.shape[0], -1, 4))
        return torch.cat(cls, 1), torch.cat(reg, 1)


def multibox_loss(conf, loc, labels, gt_loc, ratio=3):
    with torch.no_grad():
        background = -F.log_softmax(conf, dim=2)[:, :, 0]
        pos = labels > 0
        num_neg = pos.long().sum(dim=1, keepdim=True) * ratio
        background[pos] = -float('inf')
        _, order = background.sort(dim=1, descending=True)
        _, rank = order.sort(dim=1)
        mask = pos | (rank < num_neg)
    cls = F.cross_entropy(conf[mask].view(-1, NUM_CLASSES), labels[mask], reduction='sum')
    reg = F.smooth_l1_loss(loc[pos].view(-1, 4), gt_loc[pos].view(-1, 4), reduction='sum')
    num_pos = max(pos.sum().item(), 1)
    return reg / num_pos + cls / num_pos


MODELS = {
    'vgg_ssd300_voc0712': (lambda: Detector(VGGBackbone(), [512, 1024, 512, 256, 256, 256], [4, 6, 6, 6, 4, 4], False), 300),
    'mobilenet_v2_ssd320_voc0712': (
        lambda: Detector(MobileNetV2Backbone(), [576, 1280, 512, 256, 256, 64], [6] * 6, True), 320),
}


def main():
    name, batch, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if name not in MODELS:
        sys.exit(f'torch_train_step.py: no PyTorch definition of {name} (known: {", ".join(MODELS)})')
    build, size = MODELS[name]
    torch.manual_seed(0)
    model = build().train()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9, weight_decay=5e-4)
    images = torch.rand(batch, 3, size, size) * 240 - 120
    with torch.no_grad():
        priors = model.eval()(images[:1])[0].shape[1]
    model.train()
    labels = torch.zeros(batch, priors, dtype=torch.long)
    labels[:, torch.randint(0, priors, (20,))] = torch.randint(1, NUM_CLASSES, (20,))
    gt_loc = torch.randn(batch, priors, 4)

    def step():
        optimizer.zero_grad()
        conf, loc = model(images)
        loss = multibox_loss(conf, loc, labels, gt_loc)
        loss.backward()
        optimizer.step()

    step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    print(batch * steps / (time.perf_counter() - start))


if __name__ == '__main__':
    main()
