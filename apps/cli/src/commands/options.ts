import { InvalidArgumentError } from 'commander';

/** Parses a positive integer option, naming the option when it is not one. */
export function positiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0)
      throw new InvalidArgumentError(`${name} must be a non-negative integer`);
    return n;
  };
}

/** The help of every `--config-file`: a path, or the name of a config that ships with @ssd/config. */
export const CONFIG_FILE_HELP =
  'YAML config file, or the name of a shipped config (vgg_ssd300_voc0712, mobilenet_v2_ssd320_voc0712, …)';
