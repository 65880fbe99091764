// Runs one command of the round trip: output kept in a log file, a failure reported with its last lines.
const { spawnSync } = require('node:child_process');
const { appendFileSync } = require('node:fs');

/**
 * The environment a user's shell would have: without the npm_* / pnpm settings that a `pnpm run` around
 * this script exports, which would otherwise leak the workspace's configuration into the user projects.
 */
function userEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|pnpm_|PNPM_|NPM_CONFIG_|npm_config_)/i.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs `cmd args` in `cwd`, appending its output to `log`; returns stdout, throws on a non-zero exit. */
function run(cmd, args, { cwd, env = userEnv(), log, timeoutMs = 600_000 }) {
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 28 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  appendFileSync(
    log,
    `\n$ (${cwd}) ${cmd} ${args.join(' ')}  [${seconds} s, exit ${result.status}]\n${output}`,
  );
  if (result.status !== 0) {
    const tail = output.trim().split('\n').slice(-40).join('\n');
    const why = result.error ? result.error.message : `exit ${result.status ?? result.signal}`;
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (${why}):\n${tail}`);
  }
  return result.stdout;
}

module.exports = { run, userEnv };
