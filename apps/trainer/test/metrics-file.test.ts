import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MetricsFile, parseMetrics, plotMetricsFile, readMetricsFile } from '../src';

describe('parseMetrics', () => {
  test('reads train and eval lines, keeps unknown numeric fields, ignores other types', () => {
    const text = [
      '{"type":"train","iter":20,"lr":0.001,"loss":3.1,"reg_loss":1.2,"cls_loss":1.9,"time":0.5,"eta":"1:00"}',
      '{"type":"eval","iter":500,"dataset":"shapes_test","mAP":0.4,"aps":{"a":0.5}}',
      '{"type":"config","lr":1}',
      '{"type":"train","iter":10,"loss":4,"extra":7}',
    ].join('\n');
    const warn = jest.fn();
    const m = parseMetrics(text, 'm.jsonl', warn);
    expect(warn).not.toHaveBeenCalled();
    expect(m.train.map((r) => r.iter)).toEqual([10, 20]);
    expect(m.train[1].values).toEqual({ lr: 0.001, loss: 3.1, reg_loss: 1.2, cls_loss: 1.9, time: 0.5 });
    expect(m.train[0].values.extra).toBe(7);
    expect(m.evals).toEqual([{ iter: 500, dataset: 'shapes_test', mAP: 0.4 }]);
  });

  test('skips malformed lines with a warning naming the line number', () => {
    const text = [
      '{"type":"train","iter":10,"loss":4}',
      '{"type":"train","iter":',
      '',
      '[1,2]',
      '{"iter":30,"loss":2}',
      '{"type":"train","loss":2}',
      '{"type":"eval","iter":500,"dataset":"x"}',
      'NaN',
      '{"type":"train","iter":40,"loss":1}',
    ].join('\r\n');
    const warnings: string[] = [];
    const m = parseMetrics(text, 'runs/m.jsonl', (w) => warnings.push(w));
    expect(m.train.map((r) => r.iter)).toEqual([10, 40]);
    expect(m.evals).toEqual([]);
    expect(warnings).toEqual([
      'runs/m.jsonl:2: skipped, not valid JSON',
      'runs/m.jsonl:4: skipped, not a JSON object',
      "runs/m.jsonl:5: skipped, no 'type' field",
      "runs/m.jsonl:6: skipped, train line without a numeric 'iter'",
      "runs/m.jsonl:7: skipped, eval line without a numeric 'mAP'",
      'runs/m.jsonl:8: skipped, not valid JSON',
    ]);
  });
});

describe('the metrics file', () => {
  test('what MetricsFile writes, readMetricsFile reads; resuming drops the lines past the start', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ssd-metrics-')), 'metrics.jsonl');
    const metrics = new MetricsFile(file);
    for (const iter of [10, 20, 30]) metrics.append({ type: 'train', iter, loss: 1 / iter, lr: 0.01 });
    metrics.append({ type: 'eval', iter: 20, dataset: 'voc_2007_test', mAP: 0.5, aeroplane: null });
    metrics.resumeAt(20);
    metrics.append({ type: 'train', iter: 30, loss: 0.25, lr: 0.001 });
    const read = readMetricsFile(file, (w) => {
      throw new Error(w);
    });
    expect(read.train).toEqual([
      { iter: 10, values: { loss: 0.1, lr: 0.01 } },
      { iter: 20, values: { loss: 0.05, lr: 0.01 } },
      { iter: 30, values: { loss: 0.25, lr: 0.001 } },
    ]);
    expect(read.evals).toEqual([{ iter: 20, dataset: 'voc_2007_test', mAP: 0.5 }]);
  });

  test('plots skip malformed lines with warnings; a file with nothing to plot, or none, is named', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ssd-metrics-'));
    const file = path.join(dir, 'metrics.jsonl');
    writeFileSync(
      file,
      '{"type":"train","iter":10,"loss":2,"lr":0.1}\n{"type":"train",\n{"type":"train","iter":20,"loss":1,"lr":0.1}\n',
    );
    const warnings: string[] = [];
    const files = await plotMetricsFile(file, path.join(dir, 'plots'), (w) => warnings.push(w));
    expect(files.map((f) => path.basename(f))).toEqual(['loss.png', 'lr.png']);
    expect(warnings).toEqual([`${file}:2: skipped, not valid JSON`]);

    const empty = path.join(dir, 'empty.jsonl');
    writeFileSync(empty, '{"type":"other"}\n');
    await expect(plotMetricsFile(empty, dir)).rejects.toThrow(
      `no losses, learning rate or mAP found in ${empty}`,
    );
    await expect(plotMetricsFile(path.join(dir, 'missing.jsonl'), dir)).rejects.toThrow(/missing\.jsonl/);
  });
});
