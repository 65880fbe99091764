"""VOC detection AP as the reference evaluates it (its chainercv-derived eval_detection_voc), in numpy.

Boxes are [x1, y1, x2, y2] in pixels with inclusive coordinates (+1 on the far corner before IoU); each
detection goes to its highest-IoU ground truth of the class; difficult matches count as neither true nor
false positives; AP is the VOC2007 11-point mean (or the area under the precision envelope).
"""
from collections import defaultdict

import numpy as np


def box_iou(a, b):
    """IoU of every box in a [N, 4] against every box in b [M, 4]: [N, M]."""
    tl = np.maximum(a[:, None, :2], b[:, :2])
    br = np.minimum(a[:, None, 2:], b[:, 2:])
    inter = np.prod(br - tl, axis=2) * (tl < br).all(axis=2)
    area_a = np.prod(a[:, 2:] - a[:, :2], axis=1)
    area_b = np.prod(b[:, 2:] - b[:, :2], axis=1)
    return inter / (area_a[:, None] + area_b - inter)


def precision_recall(predictions, ground_truth, iou_thresh=0.5):
    """Per class label: (precision, recall) arrays over all images' detections ranked by score, or None."""
    n_pos, scores, matches = defaultdict(int), defaultdict(list), defaultdict(list)
    for (p_box, p_label, p_score), (g_box, g_label, g_difficult) in zip(predictions, ground_truth):
        for label in np.unique(np.concatenate([p_label, g_label]).astype(int)):
            mask = p_label == label
            pb, ps = p_box[mask], p_score[mask]
            order = ps.argsort()[::-1]
            pb, ps = pb[order], ps[order]
            gmask = g_label == label
            gb, gd = g_box[gmask], g_difficult[gmask]
            n_pos[label] += int(np.logical_not(gd).sum())
            scores[label].extend(ps)
            if len(pb) == 0:
                continue
            if len(gb) == 0:
                matches[label].extend([0] * len(pb))
                continue
            pb, gb = pb.copy(), gb.copy()
            pb[:, 2:] += 1
            gb[:, 2:] += 1
            iou = box_iou(pb, gb)
            best = iou.argmax(axis=1)
            best[iou.max(axis=1) < iou_thresh] = -1
            taken = np.zeros(len(gb), dtype=bool)
            for g in best:
                if g < 0:
                    matches[label].append(0)
                    continue
                matches[label].append(-1 if gd[g] else 0 if taken[g] else 1)
                taken[g] = True
    curves = {}
    for label in n_pos.keys() | scores.keys():
        order = np.array(scores[label]).argsort()[::-1]
        m = np.array(matches[label], dtype=np.int8)[order]
        tp, fp = np.cumsum(m == 1), np.cumsum(m == 0)
        with np.errstate(divide='ignore', invalid='ignore'):
            precision = tp / (tp + fp)
        curves[label] = (precision, tp / n_pos[label]) if n_pos[label] > 0 else None
    return curves


def average_precision(precision, recall, use_07_metric=True):
    """VOC2007 11-point AP, or the area under the precision envelope (VOC2010+)."""
    if use_07_metric:
        ap = 0.0
        for t in np.arange(0.0, 1.1, 0.1):
            ap += (np.max(np.nan_to_num(precision)[recall >= t]) if (recall >= t).any() else 0) / 11
        return ap
    p = np.concatenate([[0], np.nan_to_num(precision), [0]])
    r = np.concatenate([[0], recall, [1]])
    p = np.maximum.accumulate(p[::-1])[::-1]
    steps = np.where(r[1:] != r[:-1])[0]
    return float(np.sum((r[steps + 1] - r[steps]) * p[steps + 1]))


def evaluate_voc(predictions, ground_truth, num_classes, use_07_metric=True):
    """AP per class id (None for background and absent classes) and their mean (the reference's mAP)."""
    curves = precision_recall(predictions, ground_truth)
    ap = [None] + [average_precision(*curves[c], use_07_metric) if curves.get(c) else None
                   for c in range(1, num_classes)]
    defined = [a for a in ap if a is not None]
    return ap, (sum(defined) / len(defined) if defined else None)
