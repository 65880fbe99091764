#!/usr/bin/env node
// The registry round trip (`pnpm test:registry`; CI runs it after the unit tests): publishes every package
// of a clean copy of this working tree to a local verdaccio with .ci/release, then installs them as a user
// would — with npm and with pnpm, in fresh projects outside the workspace — and checks that
//   a) @ssd/eval installs alone and computes a VOC mAP with a known answer (its README's example);
//   b) the README's detection example runs on a photo with the packages its install line names, and its
//      browser example, installed by its own install line, bundles with `npx vite build` as written;
//   c) @ssd/serve installs with its README's install line and its README example answers a request;
//   d) after a patch release of @ssd/modeling, a plug-in backbone package written as the README says and
//      built against the patched version (its peer range), installed beside the @ssd/cli of the first
//      release, trains 2 iterations through `ssd --require` (one registry across versions), exports the
//      result to ONNX with no emitter of its own, and that CLI's `ssd serve` answers a photo with the trained
//      checkpoint and drains on SIGTERM;
// and that .ci/release is idempotent (run again, it publishes nothing). Every package README's example
// runs in the npm project of (d). The registry is stopped whatever happens.
//   SSD_ROUND_TRIP_KEEP=1 keeps the temporary folder (its path is printed) for a look after a failure.
const {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} = require('node:fs');
const { execFileSync } = require('node:child_process');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { publishablePackages } = require('../release/workspace-packages');
const { firstJsBlock, installedPackages, readmeBlocks } = require('./readme-blocks');
const { startRedis } = require('./redis');
const { startRegistry } = require('./registry');
const { run, userEnv } = require('./run');
const { serveAndDetect } = require('./serve-check');
const { tarballProblems } = require('./tarball');
const { createProject, installedCopies } = require('./user-project');

const ROOT = path.join(__dirname, '..', '..');
const PHOTO = path.join(__dirname, 'fixtures', 'photo.jpg');
// Reference-format weights (random init) for the detection example: the zoo's files need a download.
const CHECKPOINT = path.join(ROOT, 'fixtures', 'reference', 'mobilenet_v2_ssd320_random.pth');
const PATCHED = '@ssd/modeling';
const MANAGERS = ['npm', 'pnpm'];

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const timings = [];
async function step(name, fn) {
  const started = Date.now();
  process.stdout.write(`• ${name} … `);
  const result = await fn();
  const seconds = (Date.now() - started) / 1000;
  timings.push([name, seconds]);
  console.log(`ok (${seconds.toFixed(1)} s)`);
  return result;
}

/** Tracked and untracked-but-not-ignored files of the working tree: a clean checkout with local changes. */
function copyWorkingTree(dest) {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    const from = path.join(ROOT, file);
    if (!existsSync(from)) continue; // deleted in the working tree
    mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
    copyFileSync(from, path.join(dest, file));
  }
  run('git', ['init', '-q'], { cwd: dest, log: '/dev/null' }); // changesets and turbo want a repository
}

function readSummary(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

async function main() {
  check(existsSync(CHECKPOINT), `missing ${CHECKPOINT} (the reference fixtures beside the repository)`);
  const work = mkdtempSync(path.join(tmpdir(), 'ssd-round-trip-'));
  const log = path.join(work, 'commands.log');
  console.log(`registry round trip in ${work} (commands and their output: ${log})`);
  const blocks = readmeBlocks(path.join(ROOT, 'README.md'), [
    'pnpm-workspace.yaml',
    'install',
    'detect.mjs',
    'plugin/package.json',
    'plugin/index.js',
    'tiny_ssd64.yaml',
  ]);
  const browserBlocks = readmeBlocks(
    path.join(ROOT, 'README.md'),
    ['install', 'index.html', 'main.js'],
    'browser-example',
  );
  const plugin = JSON.parse(blocks.get('plugin/package.json'));
  let registry;
  try {
    registry = await step('start verdaccio on 127.0.0.1', () =>
      startRegistry(path.join(work, 'registry'), ['@ssd/*', plugin.name]),
    );
    const repo = path.join(work, 'repo');
    const releaseEnv = (summary) =>
      userEnv({ NPM_CONFIG_REGISTRY: registry.url, NPM_TOKEN: registry.token, RELEASE_SUMMARY: summary });
    const projectOptions = {
      registryUrl: registry.url,
      npmCache: path.join(work, 'npm-cache'),
      pnpmWorkspaceYaml: blocks.get('pnpm-workspace.yaml'),
      log,
    };

    await step('copy the working tree and install', () => {
      copyWorkingTree(repo);
      run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline'], { cwd: repo, log });
    });
    const packages = publishablePackages(repo);
    const names = new Set(packages.map((p) => p.name));

    await step('pnpm pack of each package in the clean copy builds it (and what it needs) first', () => {
      for (const pkg of packages) {
        check(!existsSync(path.join(pkg.dir, 'dist')), `${pkg.name} has a dist/ before it was packed`);
      }
      for (const pkg of packages) {
        const dest = path.join(work, 'clean-packs', pkg.name);
        run('pnpm', ['pack', '--pack-destination', dest], { cwd: pkg.dir, log });
        const problems = tarballProblems(path.join(dest, readdirSync(dest)[0]));
        check(problems.length === 0, problems.join('\n'));
      }
    });

    const first = await step('.ci/release publishes every package', () => {
      const summary = path.join(work, 'release-1.json');
      run(path.join(repo, '.ci', 'release'), ['--skip-tests'], { cwd: repo, env: releaseEnv(summary), log });
      const result = readSummary(summary);
      const expected = packages.map((p) => `${p.name}@${p.version}`).sort();
      check(
        JSON.stringify([...result.published].sort()) === JSON.stringify(expected),
        `published ${result.published.join(', ')}; expected ${expected.join(', ')}`,
      );
      return result;
    });

    await step('.ci/release again publishes nothing', () => {
      const summary = path.join(work, 'release-2.json');
      run(path.join(repo, '.ci', 'release'), ['--skip-tests'], { cwd: repo, env: releaseEnv(summary), log });
      const result = readSummary(summary);
      check(result.published.length === 0, `second release published ${result.published.join(', ')}`);
      check(
        result.skipped.length === first.published.length,
        `second release skipped ${result.skipped.length}`,
      );
    });

    await step('every published tarball holds its entry point, types, README and LICENSE', () => {
      const dest = path.join(work, 'published-packs');
      mkdirSync(dest, { recursive: true });
      const problems = [];
      for (const id of first.published) {
        const file = run(
          'npm',
          ['pack', id, '--registry', registry.url, '--pack-destination', dest, '--silent'],
          {
            cwd: work,
            log,
          },
        ).trim();
        problems.push(...tarballProblems(path.join(dest, file.split('\n').pop())));
      }
      check(problems.length === 0, problems.join('\n'));
    });

    const detections = {};
    for (const pm of MANAGERS) {
      await step(`${pm}: @ssd/eval alone computes the VOC mAP of its README`, () => {
        const project = createProject(pm, path.join(work, `${pm}-eval`), projectOptions);
        project.install(['@ssd/eval']);
        // Alone: no @ssd package but eval and what it declares (the pure-TypeScript @ssd/boxes), no tfjs.
        const declared = Object.keys(
          JSON.parse(readFileSync(path.join(ROOT, 'packages/eval/package.json'), 'utf8')).dependencies ?? {},
        );
        const others = [...names, '@tensorflow/tfjs-core'].filter(
          (n) => n !== '@ssd/eval' && !declared.includes(n) && installedCopies(project.dir, n).length > 0,
        );
        check(others.length === 0, `installing @ssd/eval alone also installed ${others.join(', ')}`);
        writeFileSync(
          path.join(project.dir, 'example.mjs'),
          firstJsBlock(path.join(ROOT, 'packages/eval/README.md')),
        );
        const out = run('node', ['example.mjs'], { cwd: project.dir, log });
        // One image: the cat class has a false positive ranked above its only true positive (AP 1/2); one of
        // two dogs is found (recall 1/2, so 6 of the 11 recall points have precision 1: AP 6/11).
        const mAP = Number.parseFloat(out.split('\n')[0]);
        check(Math.abs(mAP - (0.5 + 6 / 11) / 2) < 1e-12, `VOC mAP ${mAP}, expected ${(0.5 + 6 / 11) / 2}`);
      });

      await step(`${pm}: @ssd/serve installs as its README says and its example answers a request`, () => {
        const readme = path.join(ROOT, 'packages/serve/README.md');
        const install = /```bash\n(npm install [^\n]*)\n```/.exec(readFileSync(readme, 'utf8'));
        check(install, `${readme} has no npm install line`);
        const project = createProject(pm, path.join(work, `${pm}-serve`), projectOptions);
        project.install(installedPackages(install[1]));
        writeFileSync(path.join(project.dir, 'example.mjs'), firstJsBlock(readme));
        const out = run('node', ['example.mjs'], { cwd: project.dir, log });
        // "status width height objects timings": the 32×24 PNG of the example, answered.
        check(/^200 32 24 [1-9]\d* \{/m.test(out), `the @ssd/serve example printed:\n${out}`);
      });

      detections[pm] = await step(`${pm}: the README's detection example`, () => {
        const project = createProject(pm, path.join(work, `${pm}-detect`), projectOptions);
        project.install(installedPackages(blocks.get('install')));
        return runDetection(project.dir, blocks.get('detect.mjs'), log);
      });
    }

    await step("npm: the README's browser example bundles with `npx vite build`", () => {
      const project = createProject('npm', path.join(work, 'npm-browser'), projectOptions);
      project.install(installedPackages(browserBlocks.get('install')));
      bundleBrowserExample(project.dir, browserBlocks, log);
    });

    await step('published packages detect what the workspace does', () => {
      // A workspace package that has them all installed (peers such as @ssd/modeling are dev dependencies).
      const host = packages.find((p) =>
        installedPackages(blocks.get('install')).every(
          (n) => n in { ...p.manifest.dependencies, ...p.manifest.devDependencies },
        ),
      );
      check(host, `no workspace package depends on all of ${blocks.get('install').trim()}`);
      const ours = runDetection(host.dir, blocks.get('detect.mjs'), log);
      for (const pm of MANAGERS) {
        check(
          ours.length > 0 && ours.length === detections[pm].length,
          `${pm}: ${detections[pm].length} detections`,
        );
        ours.forEach((o, i) => {
          const d = detections[pm][i];
          const same =
            o.label === d.label &&
            Math.abs(o.score - d.score) < 1e-5 &&
            o.box.every((v, k) => Math.abs(v - d.box[k]) < 1e-3);
          check(same, `${pm}: detection ${i} is ${JSON.stringify(d)}, the workspace's ${JSON.stringify(o)}`);
        });
      }
    });

    const patched = await step(`a patch release of ${PATCHED} through changesets and .ci/release`, () => {
      // The tree's pending change files are the next release's, not this one's (and a minor bump under 0.x
      // would take every peer dependent to a new major): this step releases one patch alone.
      const changes = path.join(repo, '.changeset');
      for (const file of readdirSync(changes)) {
        if (file.endsWith('.md') && file !== 'README.md') rmSync(path.join(changes, file));
      }
      writeFileSync(
        path.join(repo, '.changeset', 'round-trip-patch.md'),
        `---\n"${PATCHED}": patch\n---\n\nA patch release, published before the plug-in.\n`,
      );
      run('pnpm', ['changeset', 'version'], { cwd: repo, log });
      const summary = path.join(work, 'release-3.json');
      run(path.join(repo, '.ci', 'release'), ['--skip-tests'], { cwd: repo, env: releaseEnv(summary), log });
      const result = readSummary(summary);
      const version = JSON.parse(
        readFileSync(path.join(repo, 'packages/modeling/package.json'), 'utf8'),
      ).version;
      check(result.published.includes(`${PATCHED}@${version}`), `published ${result.published.join(', ')}`);
      check(!result.published.some((id) => first.published.includes(id)), 'a version was published twice');
      return { id: `${PATCHED}@${version}`, version };
    });

    await step(`publish the README's plug-in ${plugin.name} after ${patched.id}`, () => {
      const dir = path.join(work, 'plugin');
      mkdirSync(dir, { recursive: true });
      // Built against the patched release, as a plug-in written after it would be.
      const manifest = {
        ...plugin,
        peerDependencies: { ...plugin.peerDependencies, [PATCHED]: `^${patched.version}` },
      };
      writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      writeFileSync(path.join(dir, 'index.js'), blocks.get('plugin/index.js'));
      const auth = registry.url.replace(/^https?:/, '');
      writeFileSync(
        path.join(dir, '.npmrc'),
        `registry=${registry.url}\n${auth}:_authToken=${registry.token}\n`,
      );
      run('npm', ['publish', '--access', 'public'], { cwd: dir, log });
    });

    // The CLI of the first release (its dependencies as they were then) beside the newer plug-in: the drift.
    const cli = first.published.find((id) => id.startsWith('@ssd/cli@'));
    for (const pm of MANAGERS) {
      await step(
        `${pm}: ${cli} with ${plugin.name}: ssd --require trains 2 iterations, exports`,
        async () => {
          const project = createProject(pm, path.join(work, `${pm}-plugin`), projectOptions);
          project.install([cli, plugin.name]);
          const copies = installedCopies(project.dir, '@ssd/modeling');
          process.stdout.write(`[${copies.length} @ssd/modeling] `);
          writeFileSync(path.join(project.dir, 'tiny_ssd64.yaml'), blocks.get('tiny_ssd64.yaml'));
          const ssd = path.join(project.dir, 'node_modules', '.bin', 'ssd');
          run(ssd, ['dataset', 'shapes', 'datasets/shapes', '--train', '8', '--test', '4', '--seed', '1'], {
            cwd: project.dir,
            log,
          });
          const out = run(
            ssd,
            [
              ...[
                '--require',
                plugin.name,
                'train',
                '--config-file',
                'tiny_ssd64.yaml',
                '--skip-test',
                '--log_step',
                '1',
              ],
              ...[
                'SOLVER.MAX_ITER',
                '2',
                'SOLVER.BATCH_SIZE',
                '2',
                'MODEL.DEVICE',
                'js',
                'DATA_LOADER.NUM_WORKERS',
                '0',
              ],
            ],
            { cwd: project.dir, log },
          );
          check(/iter: 000002/.test(out), `no iteration 2 in the training log:\n${out}`);
          check(
            existsSync(path.join(project.dir, 'outputs/tiny_ssd64/last_checkpoint')),
            'no checkpoint written',
          );
          // The plug-in has no ONNX emitter of its own: `ssd export` writes it from its topology.
          run(
            ssd,
            [
              ...['--require', plugin.name, 'export', '--config-file', 'tiny_ssd64.yaml'],
              ...['--ckpt', 'outputs/tiny_ssd64/model_final.safetensors', 'MODEL.DEVICE', 'js'],
            ],
            { cwd: project.dir, log },
          );
          check(
            existsSync(path.join(project.dir, 'outputs/tiny_ssd64/model_final.onnx')),
            'no ONNX model written',
          );
          if (pm === 'npm') {
            // @ssd/onnx's example runs an export on ONNX Runtime, an optional peer: added as its README says;
            // @ssd/serve's example needs @ssd/serve beside the CLI's packages.
            project.install(['onnxruntime-node@1.30.0', '@ssd/serve'], {
              ONNXRUNTIME_NODE_INSTALL: 'skip',
            });
            await runPackageExamples(project.dir, packages, log);
          }
        },
      );
    }

    for (const pm of MANAGERS) {
      await step(`${pm}: ${cli}'s ssd serve answers a photo with the plug-in's checkpoint`, async () => {
        const dir = path.join(work, `${pm}-plugin`);
        const pointer = path.join(dir, 'outputs/tiny_ssd64/last_checkpoint');
        const ckpt = path.resolve(path.dirname(pointer), readFileSync(pointer, 'utf8').trim());
        const served = await serveAndDetect(
          path.join(dir, 'node_modules', '.bin', 'ssd'),
          [
            ...['--require', plugin.name, 'serve', '--config-file', 'tiny_ssd64.yaml', '--ckpt', ckpt],
            ...['--dataset_type', 'shapes', 'MODEL.DEVICE', 'js'],
          ],
          { cwd: dir, photo: PHOTO, log },
        );
        check(served.objects.length > 0, `ssd serve found nothing: ${JSON.stringify(served)}`);
      });
    }
  } finally {
    if (registry) await registry.stop();
    if (process.env.SSD_ROUND_TRIP_KEEP) console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  const total = timings.reduce((sum, [, s]) => sum + s, 0);
  console.log(`registry round trip passed: ${timings.length} steps in ${(total / 60).toFixed(1)} min`);
}

/** Runs the README's detection example in `dir` with the test photo and weights; the top detections. */
function runDetection(dir, example, log) {
  copyFileSync(PHOTO, path.join(dir, 'photo.jpg'));
  copyFileSync(CHECKPOINT, path.join(dir, 'mobilenet_v2_ssd320_voc0712.pth'));
  // The example as written, then (random weights score below its 0.5) the top detections at any score.
  const probe =
    "\nconst all = await predictor.detectFile('photo.jpg', 0);\nconsole.log('DETECTIONS', JSON.stringify(all.objects.slice(0, 5)));\n";
  writeFileSync(path.join(dir, 'detect-round-trip.mjs'), example + probe);
  const out = run('node', ['detect-round-trip.mjs'], { cwd: dir, log });
  const line = out.split('\n').find((l) => l.startsWith('DETECTIONS '));
  check(line, `the detection example printed no detections:\n${out}`);
  return JSON.parse(line.slice('DETECTIONS '.length));
}

/**
 * Writes the README's browser example in `dir` (the photo and checkpoint in `public/`, as it says) and builds it
 * with the project's Vite: the published ES module builds must bundle with no Node built-in left for the browser.
 */
function bundleBrowserExample(dir, blocks, log) {
  for (const file of ['index.html', 'main.js']) writeFileSync(path.join(dir, file), blocks.get(file));
  mkdirSync(path.join(dir, 'public'), { recursive: true });
  copyFileSync(PHOTO, path.join(dir, 'public', 'photo.jpg'));
  copyFileSync(CHECKPOINT, path.join(dir, 'public', 'mobilenet_v2_ssd320_voc0712.pth'));
  // Its warnings go to stderr: both streams are read.
  const out = run('sh', ['-c', 'npx vite build 2>&1'], { cwd: dir, log });
  // Vite stubs a Node built-in a module imports, with this warning, and the page fails when it runs.
  check(
    !/externalized for browser compatibility/.test(out),
    `the browser bundle imports Node built-ins:\n${out}`,
  );
  const dist = path.join(dir, 'dist');
  const assets = existsSync(path.join(dist, 'assets')) ? readdirSync(path.join(dist, 'assets')) : [];
  for (const file of ['index.html', 'photo.jpg', 'mobilenet_v2_ssd320_voc0712.pth']) {
    check(existsSync(path.join(dist, file)), `vite build wrote no dist/${file}`);
  }
  check(
    assets.some((f) => f.endsWith('.js')),
    `vite build wrote no JavaScript: dist/assets holds ${assets.join(', ')}`,
  );
  check(
    readFileSync(path.join(dist, 'index.html'), 'utf8').includes('<script type="module"'),
    'dist/index.html loads no module',
  );
}

/** Every package README's example (its first js block), each in its own folder of the npm project. */
async function runPackageExamples(dir, packages, log) {
  // Examples that need a Redis (@ssd/distributed's) read REDIS_URL.
  const redisDir = path.join(dir, 'redis');
  mkdirSync(redisDir, { recursive: true });
  const redis = await startRedis(redisDir);
  try {
    for (const pkg of packages) {
      const example = firstJsBlock(path.join(pkg.dir, 'README.md'));
      if (!example) continue;
      const exampleDir = path.join(dir, 'examples', pkg.name.replace('/', '__'));
      mkdirSync(exampleDir, { recursive: true });
      writeFileSync(path.join(exampleDir, 'example.mjs'), example);
      run('node', ['example.mjs'], { cwd: exampleDir, log, env: userEnv({ REDIS_URL: redis.url }) });
    }
  } finally {
    await redis.stop();
  }
}

main().catch((e) => {
  console.error(`\nregistry round trip FAILED: ${e.message}`);
  process.exit(1);
});
