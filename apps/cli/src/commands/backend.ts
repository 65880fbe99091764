import { DEVICES, type Device } from '@ssd/config';
import { runBackendCheck } from '@ssd/engine';
import { Command, Option } from 'commander';

/** `ssd backend [--device D]`: loads a backend, runs a small computation and says which one ran. */
export function backendCommand(): Command {
  return new Command('backend')
    .description('load the backend MODEL.DEVICE selects and run a small computation on it')
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
    });
}
