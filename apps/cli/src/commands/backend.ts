import { DEVICES, type Device } from '@ssd/config';
import { describeRuntime, runBackendCheck, runOnnxRuntimeCheck } from '@ssd/engine';
import { Command, Option } from 'commander';

/** The lines about ONNX Runtime: each execution provider, and where MODEL.DEVICE runs `.onnx` models. */
async function onnxRuntimeLines(device: Device): Promise<string[]> {
  const check = await runOnnxRuntimeCheck(device);
  if (check.unavailable) return [`ONNX Runtime (.onnx models): not available: ${check.unavailable}`];
  const lines = [`ONNX Runtime ${check.version} (.onnx models):`];
  for (const p of check.providers) {
    lines.push(
      p.ok
        ? `  ${p.provider}: available${p.adapter ? ` on ${p.adapter.software ? 'software adapter' : 'GPU'} '${p.adapter.name}'` : ''}, ` +
            `256×256 matmul checksum ${p.checksum} in ${p.ms.toFixed(1)} ms`
        : `  ${p.provider}: not available: ${p.reason}`,
    );
  }
  const placement = check.placement!;
  if ('error' in placement) {
    lines.push(`  MODEL.DEVICE ${device} cannot run .onnx models: ${placement.error}`);
  } else {
    const runtime = describeRuntime({
      runtime: 'onnxruntime',
      backend: placement.provider,
      device: placement.provider,
      adapter: placement.adapter,
    });
    const skipped = placement.skipped ? ` (skipped ${placement.skipped})` : '';
    lines.push(`  MODEL.DEVICE ${device} runs .onnx models on ${runtime}${skipped}`);
  }
  return lines;
}

/** `ssd backend [--device D]`: loads a backend, runs a small computation and says which one ran; same for ONNX Runtime. */
export function backendCommand(): Command {
  return new Command('backend')
    .description(
      'load the backend MODEL.DEVICE selects and run a small computation on it; the same for ONNX Runtime (.onnx models)',
    )
    .addOption(new Option('--device <device>', 'MODEL.DEVICE to try').choices(DEVICES).default('auto'))
    .action(async (opts: { device: Device }) => {
      const check = await runBackendCheck(opts.device);
      console.log(
        `backend '${check.backend}' (MODEL.DEVICE ${check.device}): 256×256 matmul checksum ${check.checksum} in ${check.ms.toFixed(1)} ms`,
      );
      const a = check.adapter;
      if (a) {
        console.log(
          `adapter: ${a.name} (${a.software ? 'software: for testing, slower than wasm' : 'GPU'}; ` +
            `features: ${a.features.length > 0 ? a.features.join(', ') : 'none of shader-f16, subgroups, timestamp-query'})`,
        );
      }
      for (const line of await onnxRuntimeLines(opts.device)) console.log(line);
    });
}
