/** DynamicBatcher on its own: when batches form, the bounded queue, timeouts, and one bad input in a batch. */
import { DynamicBatcher, ServeError } from '../src';

const LIMITS = { maxBatch: 4, maxDelayMs: 30, maxQueue: 8, timeoutMs: 10_000 };

/** A batcher whose model doubles numbers and records each call's inputs. */
function doubler(limits = LIMITS, fail: (x: number) => boolean = () => false) {
  const calls: number[][] = [];
  const batcher = new DynamicBatcher<number, number>(async (xs) => {
    calls.push(xs);
    await new Promise((r) => setTimeout(r, 5));
    if (xs.some(fail)) throw new Error(`bad input in [${xs.join(', ')}]`);
    return xs.map((x) => 2 * x);
  }, limits);
  const submit = (x: number) => {
    const ticket = batcher.reserve();
    ticket.submit(x);
    return ticket.result.then((r) => r.output);
  };
  return { batcher, calls, submit };
}

it('runs maxBatch waiting inputs as one call at once, and a lone input after maxDelayMs', async () => {
  const { calls, submit } = doubler();
  const start = performance.now();
  expect(await Promise.all([1, 2, 3, 4].map(submit))).toEqual([2, 4, 6, 8]);
  expect(calls).toEqual([[1, 2, 3, 4]]);
  expect(performance.now() - start).toBeLessThan(LIMITS.maxDelayMs + 25);

  const lone = performance.now();
  expect(await submit(5)).toBe(10);
  expect(performance.now() - lone).toBeGreaterThanOrEqual(LIMITS.maxDelayMs - 1);
  expect(calls).toEqual([[1, 2, 3, 4], [5]]);
});

it('one model call at a time: inputs arriving during a call form the next batches, in order', async () => {
  const { calls, submit } = doubler({ ...LIMITS, maxDelayMs: 0 });
  const results = await Promise.all([1, 2, 3, 4, 5, 6, 7].map(submit));
  expect(results).toEqual([2, 4, 6, 8, 10, 12, 14]);
  // The first arrives alone (no delay), the rest wait for that call and go in batches of up to 4.
  expect(calls).toEqual([[1], [2, 3, 4, 5], [6, 7]]);
});

it('refuses past maxQueue with 429 and Retry-After; a place frees when its batch starts', async () => {
  const { batcher, submit } = doubler({ ...LIMITS, maxQueue: 2, maxDelayMs: 100 });
  const waiting = [submit(1), submit(2)];
  expect(batcher.depth).toBe(2);
  let refused: unknown;
  try {
    batcher.reserve();
  } catch (e) {
    refused = e;
  }
  expect(refused).toBeInstanceOf(ServeError);
  expect(refused).toMatchObject({ status: 429, code: 'queue_full', headers: { 'retry-after': '1' } });
  await Promise.all(waiting);
  expect(batcher.depth).toBe(0);
});

it('a failing batch is retried input by input: only the bad input fails', async () => {
  const { calls, submit } = doubler(LIMITS, (x) => x === 3);
  const results = await Promise.allSettled([1, 2, 3, 4].map(submit));
  expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
    2,
    4,
    'bad input in [3]',
    8,
  ]);
  expect(calls).toEqual([[1, 2, 3, 4], [1], [2], [3], [4]]);
});

it('gives up on a request still waiting after timeoutMs (504), while preparing or queued', async () => {
  const { batcher, submit } = doubler({ ...LIMITS, timeoutMs: 20, maxDelayMs: 1000 });
  const preparing = batcher.reserve();
  const preparingResult = expect(preparing.result).rejects.toMatchObject({ status: 504 });
  await expect(submit(1)).rejects.toMatchObject({ status: 504, code: 'timeout' });
  await preparingResult;
  preparing.submit(2); // ready too late: ignored
  expect(batcher.depth).toBe(0);
  await batcher.whenIdle();
});

it('a preparation failure ends its request and frees its place', async () => {
  const { batcher } = doubler();
  const ticket = batcher.reserve();
  ticket.fail(new ServeError('undecodable_image', 'broken'));
  await expect(ticket.result).rejects.toMatchObject({ status: 400, message: 'broken' });
  expect(batcher.depth).toBe(0);
});

it('rejectWaiting ends waiting requests but lets the running batch finish; whenIdle waits for it', async () => {
  const { batcher, calls, submit } = doubler({ ...LIMITS, maxBatch: 2, maxDelayMs: 0 });
  const first = submit(1);
  await new Promise((r) => setImmediate(r)); // its call has started
  const waiting = [submit(2), submit(3)];
  batcher.rejectWaiting(new ServeError('draining', 'shutting down'));
  await expect(Promise.all(waiting)).rejects.toMatchObject({ status: 503 });
  await batcher.whenIdle();
  expect(await first).toBe(2);
  expect(calls).toEqual([[1]]);
});
