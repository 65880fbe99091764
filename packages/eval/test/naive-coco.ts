// A deliberately literal, unoptimised restatement of COCOeval (bbox) used to cross-check the fast
// implementation: per (image, category, area) dictionaries, T×D match tables that keep ignored
// detections, a full concatenate-and-sort per setting, and a binary-search recall lookup.
import type { ImageGroundTruth, ImagePredictions } from '../src';

interface Ann {
  box: number[];
  area: number;
  crowd: boolean;
  score: number;
}

const T = Array.from({ length: 10 }, (_, i) => (i === 9 ? 0.95 : 0.5 + i * ((0.95 - 0.5) / 9)));
const R = Array.from({ length: 101 }, (_, i) => (i === 100 ? 1 : i * 0.01));
const AREAS: [number, number][] = [
  [0, 1e10],
  [0, 1024],
  [1024, 9216],
  [9216, 1e10],
];
const MAXDETS = [1, 10, 100];

function iou(d: number[], g: number[], crowd: boolean): number {
  const w = Math.min(d[0] + d[2], g[0] + g[2]) - Math.max(d[0], g[0]);
  const h = Math.min(d[1] + d[3], g[1] + g[3]) - Math.max(d[1], g[1]);
  if (w <= 0 || h <= 0) return 0;
  const i = w * h;
  return i / (crowd ? d[2] * d[3] : d[2] * d[3] + g[2] * g[3] - i);
}

function stableSortBy<X>(items: X[], key: (x: X) => number): X[] {
  return items
    .map((x, i) => ({ x, i }))
    .sort((a, b) => key(a.x) - key(b.x) || a.i - b.i)
    .map(({ x }) => x);
}

interface ImgEval {
  dtScores: number[];
  dtMatched: boolean[][];
  dtIgnore: boolean[][];
  gtIgnore: boolean[];
}

function evaluateImg(gtsIn: Ann[], dtsIn: Ann[], [lo, hi]: [number, number]): ImgEval | null {
  if (gtsIn.length === 0 && dtsIn.length === 0) return null;
  const gIgn = (g: Ann) => (g.crowd || g.area < lo || g.area > hi ? 1 : 0);
  const gts = stableSortBy(gtsIn, gIgn);
  const dts = stableSortBy(dtsIn, (d) => -d.score).slice(0, 100);
  const gtIgnore = gts.map((g) => gIgn(g) === 1);
  const dtMatched = T.map(() => dts.map(() => false));
  const dtIgnore = T.map(() => dts.map(() => false));
  T.forEach((t, ti) => {
    const gtTaken = gts.map(() => false);
    dts.forEach((d, di) => {
      let best = Math.min(t, 1 - 1e-10);
      let m = -1;
      for (let gi = 0; gi < gts.length; gi++) {
        if (gtTaken[gi] && !gts[gi].crowd) continue;
        if (m > -1 && !gtIgnore[m] && gtIgnore[gi]) break;
        const o = iou(d.box, gts[gi].box, gts[gi].crowd);
        if (o < best) continue;
        best = o;
        m = gi;
      }
      if (m === -1) return;
      dtIgnore[ti][di] = gtIgnore[m];
      dtMatched[ti][di] = true;
      gtTaken[m] = true;
    });
    dts.forEach((d, di) => {
      if (!dtMatched[ti][di] && (d.area < lo || d.area > hi)) dtIgnore[ti][di] = true;
    });
  });
  return { dtScores: dts.map((d) => d.score), dtMatched, dtIgnore, gtIgnore };
}

/** COCOeval stats (12 values, -1 where undefined) computed the slow, literal way. */
export function naiveCocoStats(
  numClasses: number,
  groundTruth: readonly ImageGroundTruth[],
  predictions: readonly ImagePredictions[],
): number[] {
  const toAnns = (boxes: ArrayLike<number>, n: number, f: (j: number) => Partial<Ann>): Ann[] =>
    Array.from({ length: n }, (_, j) => {
      const box = [
        boxes[4 * j],
        boxes[4 * j + 1],
        boxes[4 * j + 2] - boxes[4 * j],
        boxes[4 * j + 3] - boxes[4 * j + 1],
      ];
      return { box, area: box[2] * box[3], crowd: false, score: 0, ...f(j) };
    });
  const order = groundTruth.map((g, i) => ({ id: Number(g.imageId ?? i), i })).sort((a, b) => a.id - b.id);
  const K = numClasses - 1;
  // precision[t][r][k][a][m], recall[t][k][a][m], as nested arrays
  const precision = T.map(() =>
    R.map(() => Array.from({ length: K }, () => AREAS.map(() => MAXDETS.map(() => -1)))),
  );
  const recall = T.map(() => Array.from({ length: K }, () => AREAS.map(() => MAXDETS.map(() => -1))));
  for (let k = 0; k < K; k++) {
    AREAS.forEach((range, a) => {
      const evals: ImgEval[] = [];
      for (const { i } of order) {
        const g = groundTruth[i];
        const p = predictions[i];
        const gts = toAnns(g.boxes, g.labels.length, (j) => ({
          area: g.area ? g.area[j] : undefined,
          crowd: Boolean(g.iscrowd?.[j]),
        })).filter((_, j) => g.labels[j] === k + 1);
        for (const ann of gts) if (ann.area === undefined) ann.area = ann.box[2] * ann.box[3];
        const dts = toAnns(p.boxes, p.labels.length, (j) => ({ score: p.scores[j] })).filter(
          (_, j) => p.labels[j] === k + 1,
        );
        const e = evaluateImg(gts, dts, range);
        if (e) evals.push(e);
      }
      if (evals.length === 0) return;
      MAXDETS.forEach((maxDet, m) => {
        const entries: { score: number; matched: boolean[]; ignore: boolean[] }[] = [];
        for (const e of evals) {
          e.dtScores.slice(0, maxDet).forEach((score, di) => {
            entries.push({
              score,
              matched: T.map((_, t) => e.dtMatched[t][di]),
              ignore: T.map((_, t) => e.dtIgnore[t][di]),
            });
          });
        }
        const sorted = stableSortBy(entries, (x) => -x.score);
        const npig = evals.reduce((n, e) => n + e.gtIgnore.filter((ig) => !ig).length, 0);
        if (npig === 0) return;
        T.forEach((_, t) => {
          let tp = 0;
          let fp = 0;
          const rc: number[] = [];
          const pr: number[] = [];
          for (const x of sorted) {
            if (x.matched[t] && !x.ignore[t]) tp++;
            if (!x.matched[t] && !x.ignore[t]) fp++;
            rc.push(tp / npig);
            pr.push(tp / (fp + tp + 2 ** -52));
          }
          recall[t][k][a][m] = rc.length ? rc[rc.length - 1] : 0;
          for (let i = pr.length - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
          R.forEach((level, r) => {
            // searchsorted(rc, level, 'left') by bisection
            let lo = 0;
            let hi = rc.length;
            while (lo < hi) {
              const mid = (lo + hi) >> 1;
              if (rc[mid] < level) lo = mid + 1;
              else hi = mid;
            }
            precision[t][r][k][a][m] = lo < pr.length ? pr[lo] : 0;
          });
        });
      });
    });
  }
  const mean = (values: number[]) => {
    const kept = values.filter((v) => v > -1);
    return kept.length ? kept.reduce((s, v) => s + v, 0) / kept.length : -1;
  };
  const ap = (a: number, t?: number) =>
    mean(
      T.flatMap((_, ti) =>
        t === undefined || t === ti ? precision[ti].flatMap((byK) => byK.map((x) => x[a][2])) : [],
      ),
    );
  const ar = (a: number, m: number) => mean(recall.flatMap((byK) => byK.map((x) => x[a][m])));
  return [
    ap(0),
    ap(0, 0),
    ap(0, 5),
    ap(1),
    ap(2),
    ap(3),
    ar(0, 0),
    ar(0, 1),
    ar(0, 2),
    ar(1, 2),
    ar(2, 2),
    ar(3, 2),
  ];
}
