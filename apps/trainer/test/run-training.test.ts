import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeToyProject } from '@ssd-test/custom-backbone';
import { runTraining } from '../src';

describe('runTraining', () => {
  it('trains to SOLVER.MAX_ITER from a config file plus overrides, then evaluates and plots', async () => {
    const { configFile, outputDir } = await writeToyProject();
    const lines: string[] = [];
    const result = await runTraining({
      configFile,
      overrides: ['SOLVER.MAX_ITER', '4'],
      logStep: 2,
      saveStep: 0,
      evalStep: 0,
      log: (l) => lines.push(l),
    });
    expect(result).toEqual({ iteration: 4, finished: true, resumedFrom: undefined });
    expect(lines.at(-1)).toBe(`Training finished at iteration 4; results in ${outputDir}`);
    expect(lines.filter((l) => l.startsWith('iter: ')).map((l) => l.slice(0, 12))).toEqual([
      'iter: 000002',
      'iter: 000004',
    ]);
    expect(readdirSync(outputDir)).toEqual(
      expect.arrayContaining([
        'last_checkpoint',
        'metrics.jsonl',
        'model_final.safetensors',
        'plots',
        'inference',
      ]),
    );
    const metrics = JSON.parse(
      readFileSync(path.join(outputDir, 'inference', 'toy_test', 'metrics.json'), 'utf8'),
    );
    expect(Object.keys(metrics)[0]).toBe('mAP');
    expect(readdirSync(path.join(outputDir, 'plots')).sort()).toEqual(['loss.png', 'lr.png', 'map.png']);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s stops after the current iteration and saves a checkpoint',
    async (signal) => {
      const { configFile, outputDir } = await writeToyProject();
      const lines: string[] = [];
      const result = await runTraining({
        configFile,
        overrides: ['SOLVER.MAX_ITER', '50'],
        logStep: 2,
        saveStep: 0,
        evalStep: 0,
        log: (l) => {
          lines.push(l);
          if (l.startsWith('iter: 000002')) process.emit(signal, signal);
        },
      });
      expect(result.finished).toBe(false);
      expect(result.iteration).toBeGreaterThanOrEqual(2);
      expect(result.iteration).toBeLessThan(50);
      const name = `model_${String(result.iteration).padStart(6, '0')}.safetensors`;
      expect(readFileSync(path.join(outputDir, 'last_checkpoint'), 'utf8').trim()).toBe(name);
      expect(lines).toContain(
        `${signal === 'SIGTERM' ? 'Terminated' : 'Interrupted'}: saving a checkpoint after this iteration (Ctrl-C again to quit without saving)`,
      );
      expect(lines.at(-1)).toBe(
        `Training stopped at iteration ${result.iteration}; run the same command to resume`,
      );
      expect(process.listenerCount(signal)).toBe(0);
    },
  );

  it('rejects a bad override before training, naming the key', async () => {
    const { configFile } = await writeToyProject();
    await expect(
      runTraining({ configFile, overrides: ['SOLVER.MAX_ITER', 'ten'], log: () => {} }),
    ).rejects.toThrow("'SOLVER.MAX_ITER'");
  });
});
