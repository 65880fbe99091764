// A throw-away Redis for the package examples that need one (@ssd/distributed's): Debian's redis-server on a
// free 127.0.0.1 port, its files in a folder of the round trip's, stopped when the examples are done.
const { spawn, spawnSync } = require('node:child_process');
const { freePort } = require('./free-port');

/** Starts redis-server in `dir`; resolves to `{ url, stop() }` once it answers PING. */
async function startRedis(dir) {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
    {
      stdio: 'ignore',
    },
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ping = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (ping.stdout?.trim() === 'PONG') break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server on port ${port} did not start (install it: bash .ci/redis)`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

module.exports = { startRedis };
