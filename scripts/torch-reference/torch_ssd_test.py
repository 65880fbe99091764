"""The reference's `test.py` loop in PyTorch (CPU), timed: the PyTorch side of apps/cli's ssd-test benchmark.

Over a VOC-layout data set (JPEGImages/, Annotations/, ImageSets/Main/<split>.txt, labels.txt — what
`ssd dataset shapes` writes), per image as the reference's VOCDataset and test transforms do: read and decode
(PIL, RGB), float, bilinear resize to INPUT.IMAGE_SIZE, subtract PIXEL_MEAN, CHW; batches of TEST.BATCH_SIZE
from a DataLoader with DATA_LOADER.NUM_WORKERS workers; forward, softmax, prior decoding, score threshold,
per-class NMS, top-k; then boxes scaled to each image's size and VOC2007 mAP over the split. Everything
after the model's construction and checkpoint load is timed. The config is ssd-ts's merged config as JSON.
Prints one JSON object: {"model", "images", "seconds", "images_per_s", "mAP", "threads", "workers", "batch"}.
Usage: OMP_NUM_THREADS=2 python3 torch_ssd_test.py --config cfg.json --data DIR --ckpt model.pth --model NAME
"""
import argparse
import json
import os
import time
import xml.etree.ElementTree as ET

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch.utils.data import DataLoader, Dataset

from ssd_torch import build_model, load_checkpoint, post_process, priors
from voc_eval import evaluate_voc


class VOCTestSet(Dataset):
    """One split of a VOC-layout folder: test-transformed images, and annotations for the evaluation."""

    def __init__(self, root, split, size, mean):
        self.root, self.size = root, size
        self.mean = torch.tensor(mean, dtype=torch.float32).view(3, 1, 1)
        with open(os.path.join(root, 'ImageSets', 'Main', f'{split}.txt')) as f:
            self.ids = [line.strip() for line in f if line.strip()]
        with open(os.path.join(root, 'labels.txt')) as f:
            names = [line.strip() for line in f if line.strip()]
        self.class_names = ['__background__'] + names
        self.class_ids = {name: i for i, name in enumerate(self.class_names)}

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        image = np.array(Image.open(os.path.join(self.root, 'JPEGImages', f'{self.ids[index]}.jpg')).convert('RGB'))
        chw = torch.from_numpy(image).permute(2, 0, 1).float()
        # Bilinear with half-pixel centres and no antialiasing: OpenCV's resize of float images, as the reference.
        resized = F.interpolate(chw[None], size=(self.size, self.size), mode='bilinear', align_corners=False)[0]
        return resized - self.mean, index

    def annotation(self, index):
        """Boxes (0-based pixels), labels, difficult flags and the image's (width, height), from its XML."""
        root = ET.parse(os.path.join(self.root, 'Annotations', f'{self.ids[index]}.xml')).getroot()
        boxes, labels, difficult = [], [], []
        for obj in root.iter('object'):
            box = obj.find('bndbox')
            boxes.append([float(box.find(k).text) - 1 for k in ('xmin', 'ymin', 'xmax', 'ymax')])
            labels.append(self.class_ids[obj.find('name').text.lower().strip()])
            flag = obj.find('difficult')
            difficult.append(bool(int(flag.text)) if flag is not None and flag.text else False)
        size = root.find('size')
        dims = (int(size.find('width').text), int(size.find('height').text))
        return (np.array(boxes, dtype=np.float32).reshape(-1, 4), np.array(labels, dtype=np.int64),
                np.array(difficult, dtype=bool)), dims


def collate(samples):
    return torch.stack([s[0] for s in samples]), [s[1] for s in samples]


def run_test(model, cfg, dataset, prior_boxes, batch, workers):
    """Inference over the data set, then the VOC evaluation: the mAP."""
    size = cfg['INPUT']['IMAGE_SIZE']
    loader = DataLoader(dataset, batch_size=batch, shuffle=False, num_workers=workers, collate_fn=collate)
    outputs = {}
    with torch.no_grad():
        for images, indices in loader:
            cls_logits, bbox_pred = model(images)
            for index, detections in zip(indices, post_process(cls_logits, bbox_pred, prior_boxes, cfg)):
                outputs[index] = detections
    predictions, ground_truth = [], []
    for index in range(len(dataset)):
        truth, (width, height) = dataset.annotation(index)
        boxes, labels, scores = outputs[index]
        scale = torch.tensor([width / size, height / size, width / size, height / size])
        predictions.append(((boxes * scale).numpy(), labels.numpy(), scores.numpy()))
        ground_truth.append(truth)
    _, mean_ap = evaluate_voc(predictions, ground_truth, len(dataset.class_names))
    return mean_ap


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--config', required=True, help="ssd-ts's merged config as JSON")
    parser.add_argument('--data', required=True, help='VOC-layout data set folder')
    parser.add_argument('--split', default='test')
    parser.add_argument('--ckpt', required=True, help=".pth holding {'model': state_dict}")
    parser.add_argument('--model', required=True, help='architecture name (ssd_torch.ARCHITECTURES)')
    parser.add_argument('--batch', type=int, help='default TEST.BATCH_SIZE')
    parser.add_argument('--workers', type=int, help='default DATA_LOADER.NUM_WORKERS')
    args = parser.parse_args()
    with open(args.config) as f:
        cfg = json.load(f)
    batch = args.batch or cfg['TEST']['BATCH_SIZE']
    workers = cfg['DATA_LOADER']['NUM_WORKERS'] if args.workers is None else args.workers
    size = cfg['INPUT']['IMAGE_SIZE']
    model, model_size = build_model(args.model, cfg['MODEL']['NUM_CLASSES'])
    if model_size != size:
        raise SystemExit(f'torch_ssd_test: {args.model} takes {model_size}² images, the config says {size}')
    load_checkpoint(model, args.ckpt)
    model.eval()
    prior_boxes = priors(cfg)
    with torch.no_grad():  # one untimed batch: first-call allocations, as the other sides warm up too
        model(torch.zeros(batch, 3, size, size))
    start = time.perf_counter()
    dataset = VOCTestSet(args.data, args.split, size, cfg['INPUT']['PIXEL_MEAN'])
    mean_ap = run_test(model, cfg, dataset, prior_boxes, batch, workers)
    seconds = time.perf_counter() - start
    print(json.dumps({'model': args.model, 'images': len(dataset), 'seconds': seconds,
                      'images_per_s': len(dataset) / seconds, 'mAP': mean_ap, 'threads': torch.get_num_threads(),
                      'workers': workers, 'batch': batch}), flush=True)


if __name__ == '__main__':
    main()
