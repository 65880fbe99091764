// `ssd serve` from an installed @ssd/cli: started on a free port of 127.0.0.1, asked to detect a photo over HTTP,
// then stopped with SIGTERM, which must drain and exit 0.
const { spawn } = require('node:child_process');
const { appendFileSync, readFileSync } = require('node:fs');
const { userEnv } = require('./run');

/** Runs `ssd <args> serve … --port 0`, POSTs `photo` (a JPEG) to /v1/detect; resolves with the answer's JSON. */
function serveAndDetect(ssd, args, { cwd, photo, log, timeoutMs = 120_000 }) {
  return new Promise((resolve, reject) => {
    const child = spawn(ssd, [...args, '--port', '0'], { cwd, env: userEnv() });
    let out = '';
    let answer;
    const collect = (c) => {
      out += c;
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ssd serve did not answer within ${timeoutMs / 1000} s:\n${out}`));
    }, timeoutMs);
    const poll = setInterval(async () => {
      const m = /Serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (!m) return;
      clearInterval(poll);
      try {
        const res = await fetch(`${m[1]}/v1/detect`, {
          method: 'POST',
          headers: { 'content-type': 'image/jpeg' },
          body: readFileSync(photo),
        });
        answer = { status: res.status, body: await res.json() };
      } catch (e) {
        answer = { status: 0, body: { error: String(e) } };
      }
      child.kill('SIGTERM');
    }, 50);
    child.on('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      appendFileSync(log, `\n$ (${cwd}) ${ssd} ${args.join(' ')} --port 0  [exit ${code}]\n${out}`);
      if (!answer) return reject(new Error(`ssd serve exited (${code}) before serving:\n${out}`));
      if (answer.status !== 200) {
        return reject(new Error(`POST /v1/detect answered ${answer.status}: ${JSON.stringify(answer.body)}`));
      }
      if (code !== 0) return reject(new Error(`ssd serve exited ${code} after SIGTERM:\n${out}`));
      resolve(answer.body);
    });
  });
}

module.exports = { serveAndDetect };
