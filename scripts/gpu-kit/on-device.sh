#!/usr/bin/env bash
# Runs on the lent GPU machine (as root, in a copy of the repository, with .gpu-kit carried): unpacks the kit
# made by pack.sh, then measures what the WebGPU issue asks for, writing each log to $OUT (or ./gpu-out):
#   adapter.txt  the adapter Dawn gets and its features (`ssd backend --device webgpu`)
#   bench.txt    gpu-bench: training and inference img/s at batch 32 for VGG16-SSD300 and MobileNetV2-SSD320,
#                GPU time per kernel
#   train.txt    `ssd train` of the quick-start config on webgpu: wall time of a real run with data loading
# Each stage has its own time limit so that one slow stage still leaves the others' logs.
# Usage on the device: bash scripts/gpu-kit/on-device.sh [stage …]   (default: adapter bench train)
# Locally (GPU_KIT_LOCAL=1) it skips the loader packages and runs on whatever adapter is here; GPU_BENCH_ARGS
# and GPU_TRAIN_ITERS shrink the bench and train stages for such a check.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${OUT:-$root/gpu-out}"
mkdir -p "$out"
cd "$root"
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(adapter bench train)

if [ "${GPU_KIT_LOCAL:-}" != 1 ]; then
  # The device README: the Vulkan and EGL loaders unpacked into /, and the NVIDIA ICD named if none is found.
  for f in .gpu-kit/gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  [ -f "$icd" ] && export VK_DRIVER_FILES="$icd"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv >"$out/gpu.txt" 2>&1
fi
tar -xJf .gpu-kit/workspace.tar.xz
export PATH="$root/bin:$PATH" XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/xdg}"
mkdir -p "$XDG_RUNTIME_DIR"
node --version >"$out/node.txt"

# stage NAME SECONDS COMMAND…: runs one measurement into $out/NAME.txt and says how it ended.
stage() {
  local name=$1 limit=$2
  shift 2
  local start=$SECONDS
  timeout "$limit" "$@" >"$out/$name.txt" 2>&1
  echo "[$name] exit $? after $((SECONDS - start)) s" | tee -a "$out/summary.txt"
}

for s in "${stages[@]}"; do
  case "$s" in
  adapter) stage adapter 120 node apps/cli/dist/bin.js backend --device webgpu ;;
  bench) stage bench 360 node apps/trainer/bench/gpu-bench.js --device webgpu ${GPU_BENCH_ARGS:-} ;;
  train)
    data="$(mktemp -d)"
    node apps/cli/dist/bin.js dataset shapes "$data/shapes" --train 200 --test 20 >/dev/null
    SHAPES_ROOT="$data/shapes" stage train 180 node apps/cli/dist/bin.js train \
      --config-file quickstart_mobilenet_v2_ssdlite_shapes --skip-test --log_step 20 \
      MODEL.DEVICE webgpu SOLVER.MAX_ITER "${GPU_TRAIN_ITERS:-200}" OUTPUT_DIR "$data/out"
    ;;
  *) echo "unknown stage '$s' (adapter, bench, train)" | tee -a "$out/summary.txt" ;;
  esac
done
cat "$out/summary.txt"
