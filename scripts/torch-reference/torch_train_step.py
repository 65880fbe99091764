"""PyTorch side of apps/trainer/bench/train-bench.js: training images/s of the same detector and batch size on the CPU.

Builds the network the config names (VGG16-SSD300 or MobileNetV2-SSDLite-320 from ssd_torch.py, layer for layer
as the reference defines them), then times SGD steps on a random batch: forward, MultiBox loss with 3:1 hard negative mining,
backward and the update. Threads come from OMP_NUM_THREADS. Prints images/s on its last line.
Usage: OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1 python3 torch_train_step.py NAME BATCH STEPS
"""
import sys
import time

import torch
import torch.nn.functional as F

from ssd_torch import build_model

NUM_CLASSES = 21


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


def main():
    name, batch, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.manual_seed(0)
    model, size = build_model(name, NUM_CLASSES)
    model.train()
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
