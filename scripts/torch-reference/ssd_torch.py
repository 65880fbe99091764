"""The reference's (lufficc/SSD) detectors in PyTorch, for the benchmarks that run PyTorch beside ssd-ts.

One definition shared by every Python benchmark (onnx's inference rows, the trainer's training step, the
`ssd test` loop): VGG16-SSD300 and MobileNetV2-SSDLite-320 built module for module as the reference builds them,
so their state_dict keys are the reference's and a `.pth` written by ssd-ts (or the reference) loads strictly.
Also the inference half of the reference's box head: priors, box decoding and the post-processor (softmax,
score threshold, per-class NMS, top-k). Benchmark code only: nothing in the project or its tests imports it.
"""
import math
from itertools import product

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models import mobilenet_v2
from torchvision.models.mobilenetv2 import InvertedResidual
from torchvision.ops import batched_nms


class L2Norm(nn.Module):
    """Channel-wise L2 normalisation with a learned scale (VGG's conv4_3 tap)."""

    def __init__(self, channels, scale=20.0, eps=1e-10):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.full((channels,), scale))

    def forward(self, x):
        norm = x.pow(2).sum(dim=1, keepdim=True).sqrt() + self.eps
        return x / norm * self.weight.view(1, -1, 1, 1)


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
    """Taps: L2-normalised conv4_3 (after layer 22), fc7, then every second extra layer."""

    def __init__(self):
        super().__init__()
        self.vgg = vgg_layers()
        self.l2_norm = L2Norm(512)
        spec = [(1024, 256, 1, 1, 0), (256, 512, 3, 2, 1), (512, 128, 1, 1, 0), (128, 256, 3, 2, 1),
                (256, 128, 1, 1, 0), (128, 256, 3, 1, 0), (256, 128, 1, 1, 0), (128, 256, 3, 1, 0)]
        self.extras = nn.ModuleList(nn.Conv2d(i, o, k, s, p) for i, o, k, s, p in spec)

    def forward(self, x):
        features = []
        for layer in self.vgg[:23]:
            x = layer(x)
        features.append(self.l2_norm(x))
        for layer in self.vgg[23:]:
            x = layer(x)
        features.append(x)
        for k, layer in enumerate(self.extras):
            x = F.relu(layer(x), inplace=True)
            if k % 2 == 1:
                features.append(x)
        return features


class MobileNetV2Backbone(nn.Module):
    """MobileNetV2 (torchvision's modules have the reference's keys) tapped after block 13 and at the end,
    plus four inverted-residual extras."""

    def __init__(self):
        super().__init__()
        self.features = mobilenet_v2().features
        self.extras = nn.ModuleList([
            InvertedResidual(1280, 512, 2, 0.2), InvertedResidual(512, 256, 2, 0.25),
            InvertedResidual(256, 256, 2, 0.5), InvertedResidual(256, 64, 2, 0.25),
        ])

    def forward(self, x):
        x = self.features[:14](x)
        features = [x]
        x = self.features[14:](x)
        features.append(x)
        for block in self.extras:
            x = block(x)
            features.append(x)
        return features


class SeparableConv2d(nn.Module):
    """SSDLite's head convolution: depthwise 3×3 (with bias), BatchNorm, ReLU6, pointwise 1×1."""

    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(c_in, c_in, 3, padding=1, groups=c_in), nn.BatchNorm2d(c_in),
                                  nn.ReLU6(), nn.Conv2d(c_in, c_out, 1))

    def forward(self, x):
        return self.conv(x)


class BoxPredictor(nn.Module):
    """Class and box convolutions per feature map: 3×3 (SSD) or separable, the last one 1×1 (SSDLite)."""

    def __init__(self, channels, boxes, num_classes, lite):
        super().__init__()
        last = len(channels) - 1

        def head(i, c, out):
            if not lite:
                return nn.Conv2d(c, out, 3, padding=1)
            return nn.Conv2d(c, out, 1) if i == last else SeparableConv2d(c, out)

        self.num_classes = num_classes
        self.cls_headers = nn.ModuleList(head(i, c, b * num_classes) for i, (c, b) in enumerate(zip(channels, boxes)))
        self.reg_headers = nn.ModuleList(head(i, c, b * 4) for i, (c, b) in enumerate(zip(channels, boxes)))

    def forward(self, features):
        n = features[0].shape[0]
        cls = [h(f).permute(0, 2, 3, 1).reshape(n, -1, self.num_classes) for f, h in zip(features, self.cls_headers)]
        reg = [h(f).permute(0, 2, 3, 1).reshape(n, -1, 4) for f, h in zip(features, self.reg_headers)]
        return torch.cat(cls, 1), torch.cat(reg, 1)


class BoxHead(nn.Module):
    def __init__(self, predictor):
        super().__init__()
        self.predictor = predictor


class SSD(nn.Module):
    """backbone + box_head.predictor, as the reference names them; forward gives raw (cls_logits, bbox_pred)."""

    def __init__(self, backbone, predictor):
        super().__init__()
        self.backbone = backbone
        self.box_head = BoxHead(predictor)

    def forward(self, images):
        return self.box_head.predictor(self.backbone(images))


ARCHITECTURES = {
    # name: (build(num_classes), input size)
    'vgg_ssd300_voc0712': (lambda k: SSD(VGGBackbone(), BoxPredictor(
        [512, 1024, 512, 256, 256, 256], [4, 6, 6, 6, 4, 4], k, lite=False)), 300),
    'mobilenet_v2_ssd320_voc0712': (lambda k: SSD(MobileNetV2Backbone(), BoxPredictor(
        [96, 1280, 512, 256, 256, 64], [6] * 6, k, lite=True)), 320),
}


def build_model(name, num_classes=21):
    """The named reference architecture with random weights, and its input size; unknown names say so."""
    if name not in ARCHITECTURES:
        raise SystemExit(f'ssd_torch: no PyTorch definition of {name} (known: {", ".join(ARCHITECTURES)})')
    build, size = ARCHITECTURES[name]
    return build(num_classes), size


def load_checkpoint(model, path):
    """Loads a `{'model': state_dict}` .pth strictly (every key, every shape)."""
    model.load_state_dict(torch.load(path, map_location='cpu')['model'], strict=True)


def priors(cfg):
    """The reference's PriorBox: [P, 4] center-form priors relative to the image, (map, row, column, box) order."""
    p, size = cfg['MODEL']['PRIORS'], cfg['INPUT']['IMAGE_SIZE']
    out = []
    for k, f in enumerate(p['FEATURE_MAPS']):
        scale = size / p['STRIDES'][k]
        small = p['MIN_SIZES'][k] / size
        big = math.sqrt(p['MIN_SIZES'][k] * p['MAX_SIZES'][k]) / size
        for i, j in product(range(f), repeat=2):
            cx, cy = (j + 0.5) / scale, (i + 0.5) / scale
            out += [[cx, cy, small, small], [cx, cy, big, big]]
            for ratio in p['ASPECT_RATIOS'][k]:
                r = math.sqrt(ratio)
                out += [[cx, cy, small * r, small / r], [cx, cy, small / r, small * r]]
    t = torch.tensor(out, dtype=torch.float32)
    return t.clamp_(0, 1) if p['CLIP'] else t


def decode_boxes(bbox_pred, prior_boxes, cfg):
    """Regressions → corner-form boxes relative to the image (the reference's box decoding)."""
    cv, sv = cfg['MODEL']['CENTER_VARIANCE'], cfg['MODEL']['SIZE_VARIANCE']
    centers = bbox_pred[..., :2] * cv * prior_boxes[..., 2:] + prior_boxes[..., :2]
    sizes = torch.exp(bbox_pred[..., 2:] * sv) * prior_boxes[..., 2:]
    return torch.cat([centers - sizes / 2, centers + sizes / 2], -1)


def post_process(cls_logits, bbox_pred, prior_boxes, cfg):
    """The reference's test-time box head and PostProcessor: per image (boxes in input pixels, labels, scores)."""
    test, size = cfg['TEST'], cfg['INPUT']['IMAGE_SIZE']
    scores = F.softmax(cls_logits, dim=2)
    boxes = decode_boxes(bbox_pred, prior_boxes, cfg)
    results = []
    for s, b in zip(scores, boxes):
        num_classes = s.shape[1]
        b = b.view(-1, 1, 4).expand(-1, num_classes, 4)[:, 1:].reshape(-1, 4)
        labels = torch.arange(num_classes).view(1, -1).expand_as(s)[:, 1:].reshape(-1)
        s = s[:, 1:].reshape(-1)
        keep = torch.nonzero(s > test['CONFIDENCE_THRESHOLD']).squeeze(1)
        b, s, labels = b[keep] * size, s[keep], labels[keep]
        keep = batched_nms(b, s, labels, test['NMS_THRESHOLD'])[:test['MAX_PER_IMAGE']]
        results.append((b[keep], labels[keep], s[keep]))
    return results
