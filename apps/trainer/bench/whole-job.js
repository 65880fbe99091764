// The whole training job as users run it, side by side: `ssd train` and the reference's own train.py (a
// lufficc/SSD checkout, run by scripts/torch-reference/reference_train.py on Debian's PyTorch) on the same config,
// data and batch size, one after the other. Both train the config's model from random weights
// (MODEL.BACKBONE.PRETRAINED False: no download) for --iters iterations on a VOC-layout copy of the synthetic
// shapes data set (VOC class names, so that the reference's VOC data set reads it), then save their final
// checkpoint; neither evaluates. Reported per side: wall time (spawn to exit), images/s over the job, steady
// s/iteration (the mean over the second half of the iterations, from when each iteration's log line arrives) and
// peak memory: the largest sum over the process tree (PyTorch's data-loader processes included) of
// proportional set sizes (PSS, /proc/PID/smaps_rollup: shared pages counted once), sampled every 100 ms.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { VOC_CLASSES, SHAPES_CLASSES } = require('@ssd/config');
const { writeShapesDataset } = require('@ssd/data');
const { findTorchPython } = require('../../../scripts/torch-reference/find-python');

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'apps/cli/dist/bin.js');
const REFERENCE_TRAIN = path.join(REPO, 'scripts/torch-reference/reference_train.py');
const SAMPLE_MS = 100;

/**
 * `images` training images of the shapes data set as VOC2007 trainval under `root` (made once, then reused):
 * shape class i is named as VOC class i, and only images with an object that is not difficult are listed (the
 * reference's prior matching fails on an image without one).
 */
async function vocShapes(root, images) {
  const dir = path.join(root, 'VOC2007');
  const done = path.join(root, `ready-${images}`);
  if (fs.existsSync(done)) return;
  fs.rmSync(root, { recursive: true, force: true });
  // Spare images for those without an object, and a few test images: `ssd train` checks DATASETS.TEST.
  const spare = Math.ceil(images / 4);
  await writeShapesDataset(dir, { train: images + spare, test: 10 });
  const names = new Map(SHAPES_CLASSES.map((name, i) => [name, VOC_CLASSES[i]]));
  const sets = path.join(dir, 'ImageSets', 'Main');
  const kept = [];
  for (const id of fs.readFileSync(path.join(sets, 'train.txt'), 'utf8').split('\n').filter(Boolean)) {
    const file = path.join(dir, 'Annotations', `${id}.xml`);
    const xml = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(
      file,
      xml.replace(/<name>([^<]+)<\/name>/g, (_, name) => `<name>${names.get(name)}</name>`),
    );
    if (kept.length < images && /<difficult>0<\/difficult>/.test(xml)) kept.push(id);
  }
  if (kept.length < images)
    throw new Error(`only ${kept.length} shapes images have an object that is not difficult`);
  fs.writeFileSync(path.join(sets, 'trainval.txt'), kept.map((id) => `${id}\n`).join(''));
  fs.writeFileSync(done, '');
}

/** Every process whose ancestry leads to `root` (root included), from /proc. */
function processTree(root) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  const out = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop();
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** The process tree's summed PSS and RSS in bytes. */
function treeMemory(root) {
  let pss = 0;
  let rss = 0;
  for (const pid of processTree(root)) {
    try {
      const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      pss += Number(/^Pss:\s+(\d+) kB/m.exec(text)?.[1] ?? 0) * 1024;
      rss += Number(/^Rss:\s+(\d+) kB/m.exec(text)?.[1] ?? 0) * 1024;
    } catch {
      // Gone, or not ours to read.
    }
  }
  return { pss, rss };
}

/**
 * Runs a command to its end, timing the lines that log iterations ("iter: 000012"); returns the wall time,
 * each iteration's arrival time and the peak memory of its process tree. The output goes to `logFile`.
 */
function runJob(label, command, args, options, logFile) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = fs.createWriteStream(logFile);
    const arrivals = new Map();
    let peak = { pss: 0, rss: 0 };
    const sample = () => {
      const m = treeMemory(child.pid);
      peak = { pss: Math.max(peak.pss, m.pss), rss: Math.max(peak.rss, m.rss) };
    };
    const sampler = setInterval(sample, SAMPLE_MS);
    const watch = (stream) => {
      let rest = '';
      stream.on('data', (chunk) => {
        const now = performance.now();
        log.write(chunk);
        const lines = (rest + chunk.toString()).split('\n');
        rest = lines.pop();
        for (const line of lines) {
          const m = /iter: (\d+)/.exec(line);
          if (m && !arrivals.has(Number(m[1]))) arrivals.set(Number(m[1]), (now - start) / 1000);
        }
      });
    };
    watch(child.stdout);
    watch(child.stderr);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      log.end();
      const wall = (performance.now() - start) / 1000;
      if (code !== 0) reject(new Error(`${label} exited with ${code}: see ${logFile}`));
      else resolve({ wall, arrivals, peak });
    });
  });
}

/**
 * Steady seconds per iteration: the mean over the second half of the iterations (NaN for a 1-iteration job,
 * whose only interval includes start-up).
 */
function steady(arrivals, iters) {
  const from = Math.floor(iters / 2);
  if (from < 1) return Number.NaN;
  const a = arrivals.get(from);
  const b = arrivals.get(iters);
  return a === undefined || b === undefined ? Number.NaN : (b - a) / (iters - from);
}

const fixed = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
const gb = (bytes) => `${(bytes / 1e9).toFixed(2)} GB`;
const load = () => os.loadavg()[0].toFixed(2);

/** Both jobs for one config and batch size; prints the table and returns its figures. */
async function compare({ name, batch }, { reference, iters, data, workDir, loaderWorkers, order }) {
  const overrides = [
    ...['SOLVER.BATCH_SIZE', String(batch), 'SOLVER.MAX_ITER', String(iters)],
    ...['DATASETS.TRAIN', '("voc_2007_trainval",)', 'MODEL.BACKBONE.PRETRAINED', 'False'],
    ...(loaderWorkers ? ['DATA_LOADER.NUM_WORKERS', String(loaderWorkers)] : []),
  ];
  const steps = ['--log_step', '1', '--save_step', String(10 * iters), '--eval_step', String(10 * iters)];
  const env = { ...process.env, VOC_ROOT: data };
  const jobs = {
    torch: () => {
      const { python, why } = findTorchPython();
      if (!python) throw new Error(`the reference side needs PyTorch: ${why}`);
      const out = path.join(workDir, `torch-${name}-${batch}`);
      fs.rmSync(out, { recursive: true, force: true });
      const args = [
        ...[
          '-u',
          REFERENCE_TRAIN,
          reference,
          '--config-file',
          path.join(reference, 'configs', `${name}.yaml`),
        ],
        ...steps,
        ...[
          '--use_tensorboard',
          'False',
          '--skip-test',
          ...overrides,
          'MODEL.DEVICE',
          'cpu',
          'OUTPUT_DIR',
          out,
        ],
      ];
      const torchEnv = {
        ...env,
        OMP_NUM_THREADS: String(os.availableParallelism()),
        OPENBLAS_NUM_THREADS: '1',
      };
      return runJob('reference train.py', python, args, { env: torchEnv, cwd: workDir }, `${out}.log`);
    },
    ssd: () => {
      const out = path.join(workDir, `ssd-${name}-${batch}`);
      fs.rmSync(out, { recursive: true, force: true });
      const args = [
        ...[
          CLI,
          'train',
          '--config-file',
          path.join(REPO, 'configs', `${name}.yaml`),
          ...steps,
          '--skip-test',
        ],
        ...[...overrides, 'OUTPUT_DIR', out],
      ];
      return runJob('ssd train', process.execPath, args, { env, cwd: workDir }, `${out}.log`);
    },
  };
  const results = {};
  for (const side of order) {
    const before = load();
    results[side] = { ...(await jobs[side]()), loadBefore: before, loadAfter: load() };
    console.log(
      `  ${side}: ${results[side].wall.toFixed(1)} s, load ${results[side].loadBefore} → ${results[side].loadAfter}`,
    );
  }
  const { torch, ssd } = results;
  const images = batch * iters;
  const rows = [
    ['wall, whole job', `${torch.wall.toFixed(1)} s`, `${ssd.wall.toFixed(1)} s`, torch.wall / ssd.wall],
    [
      'images/s over the job',
      (images / torch.wall).toFixed(2),
      (images / ssd.wall).toFixed(2),
      torch.wall / ssd.wall,
    ],
    [
      `steady s/iteration (${Math.floor(iters / 2) + 1}–${iters})`,
      fixed(steady(torch.arrivals, iters)),
      fixed(steady(ssd.arrivals, iters)),
      steady(torch.arrivals, iters) / steady(ssd.arrivals, iters),
    ],
    ['peak memory (PSS, process tree)', gb(torch.peak.pss), gb(ssd.peak.pss), ssd.peak.pss / torch.peak.pss],
    ['peak RSS (summed over the tree)', gb(torch.peak.rss), gb(ssd.peak.rss), ssd.peak.rss / torch.peak.rss],
  ];
  console.log(
    `\n${name}, batch ${batch}, ${iters} iterations (ratio: speed ssd/PyTorch, memory ssd/PyTorch)`,
  );
  console.log('| | PyTorch (reference train.py) | ssd-ts (ssd train) | ratio |');
  console.log('| --- | --- | --- | --- |');
  for (const [label, t, s, r] of rows) console.log(`| ${label} | ${t} | ${s} | ${fixed(r)}× |`);
  return { name, batch, iters, torch, ssd };
}

function option(argv, name, fallback) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
}

/**
 * `bench:train --whole --reference PATH [--runs mobilenet_v2_ssd320_voc0712:16,vgg_ssd300_voc0712:32]
 * [--iters 20] [--images 600] [--data DIR] [--loader-workers N] [--order torch,ssd]`.
 */
async function wholeJobs(argv) {
  const reference = option(argv, 'reference');
  if (!reference || !fs.existsSync(path.join(reference, 'train.py'))) {
    throw new Error(
      '--whole needs --reference PATH, a checkout of lufficc/SSD (its train.py is run as it is)',
    );
  }
  if (!fs.existsSync(CLI)) throw new Error(`build the CLI first (pnpm build): no ${CLI}`);
  const runs = option(argv, 'runs', 'mobilenet_v2_ssd320_voc0712:16,vgg_ssd300_voc0712:32')
    .split(',')
    .map((r) => r.split(':'))
    .map(([name, batch]) => ({ name, batch: Number(batch) }));
  const iters = Number(option(argv, 'iters', '20'));
  const images = Number(option(argv, 'images', '600'));
  const data = path.resolve(option(argv, 'data', path.join(os.tmpdir(), `ssd-bench-voc-shapes`)));
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssd-whole-job-'));
  const loaderWorkers = option(argv, 'loader-workers');
  const order = option(argv, 'order', 'torch,ssd').split(',');
  await vocShapes(data, images);
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `${cpu}, ${os.availableParallelism()} cores; load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`data: ${images} images (${data}); logs and outputs: ${workDir}`);
  for (const run of runs) await compare(run, { reference, iters, data, workDir, loaderWorkers, order });
}

module.exports = { wholeJobs };
