import { MultiBar, Presets, type SingleBar } from 'cli-progress';

/** Reports progress of long work: a live bar on a terminal, plain lines otherwise (logs, CI). */
export interface Progress {
  /** Sets the count done and the text shown beside the bar. */
  update(done: number, info?: string): void;
  /** Prints a line without breaking the bar. */
  log(line: string): void;
  /** Ends the bar. */
  stop(): void;
}

/** Options of `createProgress`. */
export interface ProgressOptions {
  /** Force the bar on or off; default: on when stdout is a terminal. */
  tty?: boolean;
  /** Without a terminal, print a plain line every this many units (default: about every 10%). */
  plainEvery?: number;
  /** Where lines go (default: console.log). */
  write?: (line: string) => void;
}

/** A progress reporter for `total` units of work named `title`. */
export function createProgress(title: string, total: number, options: ProgressOptions = {}): Progress {
  const write = options.write ?? ((l: string) => console.log(l));
  const tty = options.tty ?? Boolean(process.stdout.isTTY);
  if (tty) return new BarProgress(title, total);
  const every = options.plainEvery ?? Math.max(1, Math.ceil(total / 10));
  let lastPrinted = 0;
  return {
    update(done, info) {
      if (done - lastPrinted >= every || (done === total && lastPrinted !== total)) {
        lastPrinted = done;
        write(`${title}: ${done}/${total}${info ? ` ${info}` : ''}`);
      }
    },
    log: write,
    stop() {},
  };
}

class BarProgress implements Progress {
  private readonly multi: MultiBar;
  private readonly bar: SingleBar;

  constructor(title: string, total: number) {
    this.multi = new MultiBar(
      {
        format: `${title} [{bar}] {value}/{total} {percentage}% | eta {eta_formatted} | {info}`,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      Presets.shades_classic,
    );
    this.bar = this.multi.create(total, 0, { info: '' });
  }

  update(done: number, info = ''): void {
    this.bar.update(done, { info });
  }

  log(line: string): void {
    this.multi.log(`${line}\n`);
  }

  stop(): void {
    this.multi.stop();
  }
}
