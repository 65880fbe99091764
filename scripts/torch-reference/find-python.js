// Which python3 can run this folder's PyTorch benchmarks: shared by the Node benchmarks that put PyTorch beside
// ssd-ts (packages/onnx/bench, apps/trainer/bench, apps/cli/bench), so they agree on where to look.
const { spawnSync } = require('node:child_process');

/**
 * The first of $PYTHON, the PATH's python3 and Debian's /usr/bin/python3 (where python3-torch installs; a pyenv
 * python3 may shadow it) that imports torch and torchvision, as `{ python }`; else `{ why }`, naming each miss.
 */
function findTorchPython() {
  const misses = [];
  for (const python of [...new Set([process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean))]) {
    const r = spawnSync(python, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
    if (r.status === 0) return { python };
    misses.push(`${python}: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
  }
  return { why: `no python3 with torch and torchvision (${misses.join('; ')})` };
}

module.exports = { findTorchPython };
