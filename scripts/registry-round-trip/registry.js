// A throw-away npm registry for the round trip: verdaccio on 127.0.0.1 on a free port, with its own
// storage and config in a temporary folder. Our packages (and the plug-in) are served only from its
// storage; everything else is proxied to the registry npm is configured with on this machine, read at run
// time so that no registry address is written into the repository.
const { execFileSync, spawn } = require('node:child_process');
const { mkdirSync, openSync, writeFileSync } = require('node:fs');
const { freePort } = require('./free-port');
const path = require('node:path');

async function waitUntilUp(url, child, log, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited (${child.exitCode}); see ${log}`);
    try {
      const res = await fetch(`${url}-/ping`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`verdaccio did not answer on ${url} within ${timeoutMs / 1000} s; see ${log}`);
}

/** Creates a user on the registry and returns its token (what CI would hold as NPM_TOKEN). */
async function createToken(url) {
  const name = `release-${process.pid}`;
  const res = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: `pw-${process.pid}-${Date.now()}` }),
  });
  const body = await res.json();
  if (!res.ok || !body.token) throw new Error(`cannot create a registry user: ${JSON.stringify(body)}`);
  return body.token;
}

/**
 * Starts verdaccio in `dir`; `localOnly` are package patterns served from its storage alone. Returns
 * `{ url, token, stop }`; `stop()` ends the server and is safe to call twice.
 */
async function startRegistry(dir, localOnly) {
  const uplink = execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim();
  mkdirSync(path.join(dir, 'storage'), { recursive: true });
  const local = localOnly.map((p) => `  '${p}':\n    access: $all\n    publish: $authenticated\n`).join('');
  const config = path.join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      `storage: ${path.join(dir, 'storage')}`,
      `auth:\n  htpasswd:\n    file: ${path.join(dir, 'htpasswd')}\n    max_users: 100`,
      `uplinks:\n  upstream:\n    url: ${uplink}\n    timeout: 120s`,
      `packages:\n${local}  '**':\n    access: $all\n    publish: $authenticated\n    proxy: upstream`,
      'max_body_size: 200mb',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const log = path.join(dir, 'verdaccio.log');
  const bin = require.resolve('verdaccio/bin/verdaccio');
  const out = openSync(log, 'a');
  const child = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', out, out],
  });
  let stopped = false;
  const stop = () =>
    new Promise((resolve) => {
      if (stopped || child.exitCode !== null) {
        stopped = true;
        resolve();
        return;
      }
      stopped = true;
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  try {
    await waitUntilUp(url, child, log, 60_000);
    return { url, token: await createToken(url), log, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

module.exports = { startRegistry };
