// Preloaded (`node --require`) while the GPU kit's commands run here: on exit, every file this thread
// loaded from the repository (JS modules from require's cache, native addons and the shared libraries
// they pulled in from /proc/self/maps) is appended to $GPU_KIT_TRACE, so the kit carries exactly what
// those commands need — a whole node_modules is far over the device machine's 64 MiB transfer limit.
const fs = require('node:fs');
const path = require('node:path');
const { threadId } = require('node:worker_threads');

const out = process.env.GPU_KIT_TRACE;
const root = process.env.GPU_KIT_ROOT;

function loadedFiles() {
  const files = new Set(Object.keys(require.cache));
  try {
    for (const line of fs.readFileSync('/proc/self/maps', 'utf8').split('\n')) {
      const file = line.slice(line.indexOf('/'));
      if (line.includes('/') && file.startsWith(root)) files.add(file);
    }
  } catch {
    // No /proc (not Linux): the JS modules alone are still listed.
  }
  return [...files].filter((f) => f.startsWith(root + path.sep));
}

if (out && root) {
  process.on('exit', () => {
    fs.appendFileSync(out, `${loadedFiles().join('\n')}\n`);
  });
  if (threadId === 0) process.on('SIGINT', () => process.exit(130));
}
