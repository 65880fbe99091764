/** The server's Prometheus metrics, in a registry of its own (two servers in one process do not mix). */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Metric names, for dashboards and tests. */
export const METRIC = {
  requests: 'ssd_http_requests_total',
  latency: 'ssd_detect_duration_seconds',
  batchSize: 'ssd_batch_size',
  inference: 'ssd_batch_duration_seconds',
  queueDepth: 'ssd_queue_depth',
} as const;

/** The metrics a server records into. */
export interface ServerMetrics {
  readonly registry: Registry;
  /** Every answered request by route and status. */
  readonly requests: Counter<'route' | 'status'>;
  /** `POST /v1/detect` from arrival to answer, by status. */
  readonly latency: Histogram<'status'>;
  /** Images per model call. */
  readonly batchSize: Histogram;
  /** Seconds per model call. */
  readonly inference: Histogram;
}

/** Powers of two up to `max`: batch-size buckets. */
function powersOfTwo(max: number): number[] {
  const buckets: number[] = [];
  for (let b = 1; b < max; b *= 2) buckets.push(b);
  return [...buckets, max];
}

/** Creates the registry; `queueDepth` is read when scraped. */
export function createMetrics(maxBatch: number, queueDepth: () => number): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
  new Gauge({
    name: METRIC.queueDepth,
    help: 'Requests admitted and not yet in a batch (decoding or waiting)',
    registers: [registry],
    collect() {
      this.set(queueDepth());
    },
  });
  return {
    registry,
    requests: new Counter({
      name: METRIC.requests,
      help: 'HTTP requests answered, by route and status',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: METRIC.latency,
      help: 'POST /v1/detect from arrival to answer, by status',
      labelNames: ['status'],
      buckets: seconds,
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: METRIC.batchSize,
      help: 'Images per model call',
      buckets: powersOfTwo(maxBatch),
      registers: [registry],
    }),
    inference: new Histogram({
      name: METRIC.inference,
      help: 'Seconds per model call (test transform done; the model and post-processing)',
      buckets: seconds,
      registers: [registry],
    }),
  };
}
