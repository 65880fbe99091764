/** Real parts for the distributed tests: `ssd` processes, and an HTTP server of images that can hold one back. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'apps/cli/dist/bin.js');

/** A running `ssd` command. */
export interface SsdProcess {
  readonly proc: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves when the output matches `re` (rejects if the process exits first or after `ms`). */
  waitFor(re: RegExp, ms?: number): Promise<void>;
  /** Resolves to the exit code (a signal's name when killed). */
  readonly exited: Promise<number | string>;
}

const started = new Set<ChildProcess>();

/** Kills every `ssd` process a test left running. */
export function killAll(): void {
  for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  started.clear();
}

/** Starts `ssd ...args` from the repository root. */
export function ssd(args: string[]): SsdProcess {
  const proc = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(proc);
  let out = '';
  const waiters = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of waiters) w();
  };
  proc.stdout!.on('data', collect);
  proc.stderr!.on('data', collect);
  const exited = new Promise<number | string>((resolve) => {
    proc.once('exit', (code, signal) => {
      for (const w of waiters) w();
      resolve(code ?? signal ?? -1);
    });
  });
  return {
    proc,
    output: () => out,
    exited,
    waitFor(re, ms = 60_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (re.test(out)) done();
          else if (proc.exitCode !== null || proc.signalCode !== null)
            done(new Error(`exited before ${re}:\n${out}`));
        };
        const timer = setTimeout(() => done(new Error(`no ${re} after ${ms} ms:\n${out}`)), ms);
        const done = (err?: Error) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (err) reject(err);
          else resolve();
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** How many shards a worker's output says it finished. */
export function shardsDone(output: string): string[] {
  return [...output.matchAll(/shard (\S+) done in/g)].map((m) => m[1]!);
}

/**
 * Serves a folder over HTTP on 127.0.0.1 (the workers read images through `--path-map DIR=URL`). A held
 * file's first request waits until released; a failing file always answers 500.
 */
export class ImageServer {
  private server?: Server;
  private readonly held = new Map<string, { arrived: () => void; release: Promise<void> }>();
  private readonly failing = new Set<string>();
  private readonly corrupted = new Set<string>();
  url = '';

  constructor(private readonly dir: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
      const file = path.join(this.dir, name);
      const send = () => {
        if (this.failing.has(name)) {
          res.writeHead(500).end('failing on purpose');
        } else if (this.corrupted.has(name)) {
          res.writeHead(200, { 'content-type': 'image/jpeg' }).end('not a JPEG at all');
        } else if (!existsSync(file)) {
          res.writeHead(404).end();
        } else {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          createReadStream(file).pipe(res);
        }
      };
      const hold = this.held.get(name);
      if (!hold) return send();
      this.held.delete(name);
      hold.arrived();
      hold.release.then(send, send);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (!address || typeof address !== 'object') throw new Error('image server has no port');
    this.url = `http://127.0.0.1:${address.port}`;
  }

  /** Holds the next request of `name` (relative to the folder); resolves when it arrives, with its release. */
  hold(name: string): { arrived: Promise<void>; release: () => void } {
    let release!: () => void;
    let arrived!: () => void;
    const arrival = new Promise<void>((r) => {
      arrived = r;
    });
    this.held.set(name, { arrived, release: new Promise<void>((r) => (release = r)) });
    return { arrived: arrival, release };
  }

  /** Answers 500 to every request of `name` until `heal`. */
  fail(name: string): void {
    this.failing.add(name);
  }

  /** Serves bytes that are no image for `name` until `heal`. */
  corrupt(name: string): void {
    this.corrupted.add(name);
  }

  heal(name: string): void {
    this.failing.delete(name);
    this.corrupted.delete(name);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
