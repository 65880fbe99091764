import { parseMetrics } from '../src/chart/metrics';

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
