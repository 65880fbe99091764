#!/usr/bin/env bash
# Packs what a lent GPU machine needs to run `on-device.sh` into .gpu-kit/ (git-ignored; name it in the
# device tool's `carry`): this machine's Node binary, the built workspace's dist folders, the node_modules
# files that the device commands actually load (traced here by running them on the software Vulkan device),
# and the Vulkan/EGL loader packages the GPU machine lacks. The GPU machine has no Node and no network, and
# at most 64 MiB travel, so everything is compressed with xz.
# Usage, after `pnpm install && pnpm build` and `.ci/software-vulkan`: bash scripts/gpu-kit/pack.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
kit="$root/.gpu-kit"
cd "$root"
grep -qx '/.gpu-kit/' .git/info/exclude 2>/dev/null || echo '/.gpu-kit/' >>"$(git rev-parse --git-path info/exclude)"
rm -rf "$kit" && mkdir -p "$kit/gl"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/xdg-gpu-kit}" && mkdir -p "$XDG_RUNTIME_DIR"

# 1. Trace: the device commands in miniature (one tiny step each), loading the same modules.
trace="$kit/trace.txt"
export GPU_KIT_TRACE="$trace" GPU_KIT_ROOT="$root"
tracer=(node --require "$root/scripts/gpu-kit/trace-loaded.js")
"${tracer[@]}" apps/cli/dist/bin.js backend --device webgpu
"${tracer[@]}" apps/trainer/bench/gpu-bench.js --device webgpu --configs quickstart_mobilenet_v2_ssdlite_shapes \
  --batch 2 --steps 1 --top 1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"${tracer[@]}" apps/cli/dist/bin.js dataset shapes "$work/shapes" --train 4 --test 2 >/dev/null
SHAPES_ROOT="$work/shapes" "${tracer[@]}" apps/cli/dist/bin.js train \
  --config-file quickstart_mobilenet_v2_ssdlite_shapes --skip-test MODEL.DEVICE webgpu SOLVER.MAX_ITER 1 \
  SOLVER.BATCH_SIZE 2 OUTPUT_DIR "$work/out" >/dev/null
unset GPU_KIT_TRACE

# 2. The file list: traced node_modules files, the package.json files that resolution reads on the way,
#    every symlink of pnpm's layout (tiny; a dangling one is harmless), and every dist folder.
list="$kit/files.txt"
node - "$trace" "$root" >"$list" <<'JS'
const fs = require('node:fs');
const path = require('node:path');
const [trace, root] = process.argv.slice(2);
const files = new Set();
for (const f of fs.readFileSync(trace, 'utf8').split('\n')) {
  if (!f.includes(`${path.sep}node_modules${path.sep}`) || !fs.existsSync(f)) continue;
  files.add(f);
  // Node reads each package.json between a module and the node_modules folder that holds it.
  for (let dir = path.dirname(f); path.basename(dir) !== 'node_modules' && dir !== root; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) files.add(path.join(dir, 'package.json'));
  }
}
for (const f of [...files].sort()) console.log(path.relative(root, f));
JS
find node_modules packages/*/node_modules apps/*/node_modules -type l 2>/dev/null >>"$list"
find packages/*/dist apps/*/dist -type f >>"$list"

# 3. Archive: Node as bin/node, then the workspace files at their repository paths.
cp "$(command -v node)" "$work/node"
tar -cf "$work/kit.tar" --transform='s,^node$,bin/node,' -C "$work" node
tar -rf "$work/kit.tar" -T "$list"
xz -T0 -6 -c "$work/kit.tar" >"$kit/workspace.tar.xz"

# 4. The loaders (the device README's list), downloaded for amd64 with apt's own sources.
lists="$work/apt-lists" && mkdir -p "$lists/partial"
o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists="$lists")
apt-get "${o[@]}" update -qq
(cd "$kit/gl" && apt-get "${o[@]}" download -qq libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
rm -f "$trace"
du -sh "$kit" "$kit"/*
