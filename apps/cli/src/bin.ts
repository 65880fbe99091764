#!/usr/bin/env node
import { run } from './program';

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // One clear line for the user; the stack only when asked for.
    const err = e instanceof Error ? e : new Error(String(e));
    console.error(`ssd: error: ${err.message}`);
    if (process.env.SSD_DEBUG) console.error(err.stack);
    process.exitCode = 1;
  },
);
