/** Pascal VOC's 20 classes, background at 0, in the reference's order. */
export const VOC_CLASSES: readonly string[] = Object.freeze([
  '__background__',
  'aeroplane',
  'bicycle',
  'bird',
  'boat',
  'bottle',
  'bus',
  'car',
  'cat',
  'chair',
  'cow',
  'diningtable',
  'dog',
  'horse',
  'motorbike',
  'person',
  'pottedplant',
  'sheep',
  'sofa',
  'train',
  'tvmonitor',
]);

/** COCO's 80 classes, background at 0, in the order of their sorted category ids (as the reference lists them). */
export const COCO_CLASSES: readonly string[] = Object.freeze([
  '__background__',
  'person',
  'bicycle',
  'car',
  'motorcycle',
  'airplane',
  'bus',
  'train',
  'truck',
  'boat',
  'traffic light',
  'fire hydrant',
  'stop sign',
  'parking meter',
  'bench',
  'bird',
  'cat',
  'dog',
  'horse',
  'sheep',
  'cow',
  'elephant',
  'bear',
  'zebra',
  'giraffe',
  'backpack',
  'umbrella',
  'handbag',
  'tie',
  'suitcase',
  'frisbee',
  'skis',
  'snowboard',
  'sports ball',
  'kite',
  'baseball bat',
  'baseball glove',
  'skateboard',
  'surfboard',
  'tennis racket',
  'bottle',
  'wine glass',
  'cup',
  'fork',
  'knife',
  'spoon',
  'bowl',
  'banana',
  'apple',
  'sandwich',
  'orange',
  'broccoli',
  'carrot',
  'hot dog',
  'pizza',
  'donut',
  'cake',
  'chair',
  'couch',
  'potted plant',
  'bed',
  'dining table',
  'toilet',
  'tv',
  'laptop',
  'mouse',
  'remote',
  'keyboard',
  'cell phone',
  'microwave',
  'oven',
  'toaster',
  'sink',
  'refrigerator',
  'book',
  'clock',
  'vase',
  'scissors',
  'teddy bear',
  'hair drier',
  'toothbrush',
]);

/** The background class name every class list starts with. */
export const BACKGROUND = '__background__';

/**
 * Prefixes `__background__` to a list of object class names unless it already starts with it; `owner` names
 * the data set in errors (empty lists and repeated names are rejected).
 */
export function withBackground(names: readonly string[], owner: string): string[] {
  const all = names[0] === BACKGROUND ? [...names] : [BACKGROUND, ...names];
  if (all.length < 2) throw new Error(`${owner}: class names are empty`);
  const seen = new Set<string>();
  for (const name of all) {
    if (seen.has(name)) throw new Error(`${owner}: class name '${name}' appears twice`);
    seen.add(name);
  }
  return all;
}

/** The classes of the built-in synthetic shapes data set, background at 0. */
export const SHAPES_CLASSES: readonly string[] = Object.freeze([
  '__background__',
  'circle',
  'square',
  'triangle',
  'star',
  'hexagon',
]);
