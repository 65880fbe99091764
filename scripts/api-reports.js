#!/usr/bin/env node
// API reports: each publishable package's public API, read by API Extractor from its built .d.ts files, kept in
// the repository as packages/<dir>/etc/<name>.api.md, so that a change to what a package exports is seen in review.
//   node scripts/api-reports.js [--update] [@ssd/name ...]     (pnpm api:check / pnpm api:update build first)
// Without --update it fails, showing the difference, when a report is missing, stale or left over; with --update
// it rewrites the reports that differ and deletes the left-over ones.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { CompilerState, Extractor, ExtractorConfig } = require('@microsoft/api-extractor');
const { publishablePackages } = require('./release/workspace-packages');

const ROOT = path.join(__dirname, '..');
const REPORT_FOLDER = 'etc';
const REPORT_SUFFIX = '.api.md';
// The workspace's TypeScript, the one the .d.ts files were built with, rather than API Extractor's own.
const TYPESCRIPT = path.dirname(require.resolve('typescript/package.json', { paths: [ROOT] }));

/** Every `types` file `exports` (or, without it, `types`) names, relative to the package, in order. */
function typeEntryPoints(manifest) {
  const found = [];
  const visit = (target) => {
    if (typeof target === 'string') return;
    for (const [condition, value] of Object.entries(target ?? {})) {
      if (condition === 'types' && typeof value === 'string') found.push(value);
      else if (value && typeof value === 'object') visit(value);
    }
  };
  if (manifest.exports && typeof manifest.exports === 'object') {
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (subpath !== './package.json' && !subpath.includes('*')) visit(target);
    }
  }
  if (found.length === 0 && manifest.types) found.push(manifest.types);
  return [...new Set(found.map((file) => path.posix.normalize(file)))];
}

/** The report's file name: `<name>.api.md` for the package's main types, `<name>-<entry path>.api.md` for others. */
function reportName(manifest, entry) {
  const unscoped = manifest.name.replace(/^@[^/]+\//, '');
  if (manifest.types && path.posix.normalize(manifest.types) === entry) return `${unscoped}${REPORT_SUFFIX}`;
  const rest = entry
    .replace(/^dist\//, '')
    .replace(/\.d\.[cm]?ts$/, '')
    .replace(/[/.]/g, '-');
  return `${unscoped}-${rest}${REPORT_SUFFIX}`;
}

const REPORT_FILE = 'report.api.md';

/** API Extractor's settings for one entry point, its report written into `tempFolder`. */
function extractorConfig(pkg, entry, tempFolder) {
  const entryPath = path.join(pkg.dir, entry);
  if (!fs.existsSync(entryPath)) {
    throw new Error(`${pkg.name}: ${entry} does not exist; build the package first (pnpm build)`);
  }
  return ExtractorConfig.prepare({
    configObject: {
      projectFolder: pkg.dir,
      mainEntryPointFilePath: entryPath,
      bundledPackages: [],
      newlineKind: 'lf',
      enumMemberOrder: 'preserve',
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: 'ES2022',
            module: 'commonjs',
            moduleResolution: 'node10',
            lib: ['ES2022', 'DOM'],
            types: ['node'],
            strict: true,
            esModuleInterop: true,
            skipLibCheck: true,
          },
          files: [entryPath],
        },
        skipLibCheck: true,
      },
      apiReport: {
        enabled: true,
        reportFileName: REPORT_FILE,
        reportFolder: tempFolder,
        reportTempFolder: path.join(tempFolder, 'temp'),
        includeForgottenExports: false,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: 'error' } },
        extractorMessageReporting: {
          // What the analysis finds (a type a signature uses but the entry does not export, say) is written into
          // the report itself, so that a reviewer sees it beside the change that caused it.
          default: { logLevel: 'warning', addToApiReportFile: true },
          'ae-missing-release-tag': { logLevel: 'none' },
          'ae-undocumented': { logLevel: 'none' },
        },
        // The sources' comments are JSDoc, not TSDoc: TSDoc's syntax findings would be noise.
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
    configObjectFullPath: undefined,
    packageJsonFullPath: path.join(pkg.dir, 'package.json'),
  });
}

/** Runs API Extractor on one entry point; returns the report's text, or throws naming what went wrong. */
function extractReport(pkg, entry, config, compilerState) {
  const problems = [];
  const result = Extractor.invoke(config, {
    localBuild: true,
    compilerState,
    typescriptCompilerFolder: TYPESCRIPT,
    messageCallback(message) {
      if (message.logLevel === 'error' || message.logLevel === 'warning') {
        if (!String(message.messageId).startsWith('console-api-report'))
          problems.push(message.formatMessageWithLocation(ROOT));
      }
      message.handled = true;
    },
  });
  if (!result.succeeded || problems.length > 0) {
    throw new Error(`${pkg.name} (${entry}): API Extractor failed:\n  ${problems.join('\n  ')}`);
  }
  return fs.readFileSync(path.join(config.reportFolder, REPORT_FILE), 'utf8');
}

const countOf = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function showDifference(committed, fresh, label) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'api-report-'));
  const a = path.join(tmp, 'committed.api.md');
  const b = path.join(tmp, 'built.api.md');
  fs.writeFileSync(a, committed ?? '');
  fs.writeFileSync(b, fresh ?? '');
  const diff = spawnSync('git', ['diff', '--no-index', '--no-color', a, b], { encoding: 'utf8' });
  fs.rmSync(tmp, { recursive: true, force: true });
  // git's header names the temporary files; the hunks start at the first @@.
  const hunks = diff.stdout.slice(Math.max(0, diff.stdout.indexOf('@@')));
  console.error(`${label}: - committed, + built\n${hunks}`);
}

function main() {
  const args = process.argv.slice(2);
  const update = args.includes('--update');
  const unknown = args.filter((a) => a.startsWith('-') && a !== '--update');
  if (unknown.length > 0) {
    console.error(`api-reports: unknown option ${unknown.join(', ')} (known: --update)`);
    process.exit(2);
  }
  const wanted = new Set(args.filter((a) => !a.startsWith('-')));
  const packages = publishablePackages(ROOT).filter((p) => wanted.size === 0 || wanted.has(p.name));
  const missing = [...wanted].filter((name) => !packages.some((p) => p.name === name));
  if (missing.length > 0) {
    console.error(`api-reports: not a publishable workspace package: ${missing.join(', ')}`);
    process.exit(2);
  }

  const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'ssd-api-reports-'));
  const stale = [];
  const written = [];
  try {
    const jobs = packages.flatMap((pkg) =>
      typeEntryPoints(pkg.manifest).map((entry) => ({
        pkg,
        entry,
        config: extractorConfig(pkg, entry, fs.mkdtempSync(path.join(tempRoot, 'p-'))),
      })),
    );
    // One TypeScript program for every entry point: the declarations they share (tfjs, Node, each other) are
    // read once instead of once per package.
    const compilerState =
      jobs.length === 0
        ? undefined
        : CompilerState.create(jobs[0].config, {
            additionalEntryPoints: jobs.slice(1).map((job) => job.config.mainEntryPointFilePath),
            typescriptCompilerFolder: TYPESCRIPT,
          });
    for (const pkg of packages) {
      const folder = path.join(pkg.dir, REPORT_FOLDER);
      const expected = new Set();
      for (const { entry, config } of jobs.filter((job) => job.pkg === pkg)) {
        const name = reportName(pkg.manifest, entry);
        expected.add(name);
        const fresh = extractReport(pkg, entry, config, compilerState);
        const file = path.join(folder, name);
        const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').replace(/\r\n/g, '\n') : null;
        if (committed === fresh) continue;
        const shown = path.relative(ROOT, file);
        if (update) {
          fs.mkdirSync(folder, { recursive: true });
          fs.writeFileSync(file, fresh);
          written.push(shown);
        } else {
          stale.push(shown);
          showDifference(
            committed,
            fresh,
            `${shown} (${committed === null ? 'missing' : 'differs from the build'})`,
          );
        }
      }
      const leftOver = fs.existsSync(folder)
        ? fs.readdirSync(folder).filter((f) => f.endsWith(REPORT_SUFFIX) && !expected.has(f))
        : [];
      for (const f of leftOver) {
        const shown = path.relative(ROOT, path.join(folder, f));
        if (update) {
          fs.rmSync(path.join(folder, f));
          written.push(`${shown} (deleted: no entry point of ${pkg.name} makes it)`);
        } else {
          stale.push(`${shown} (no entry point of ${pkg.name} makes it)`);
        }
      }
    }
  } finally {
    fs.rmSync(tempRoot, { recursive: true, force: true });
  }
  if (update) {
    console.log(
      written.length > 0
        ? `API reports rewritten:\n  ${written.join('\n  ')}\nReview them (git diff) and commit them with the change.`
        : `the API reports of ${countOf(packages.length, 'package')} are up to date`,
    );
    return;
  }
  if (stale.length > 0) {
    console.error(
      `\nThe public API differs from its committed report in:\n  ${stale.join('\n  ')}\n` +
        'If the change is meant, run `pnpm api:update` and commit the reports with it (CONTRIBUTING.md, "API reports").',
    );
    process.exit(1);
  }
  console.log(`the public API of ${countOf(packages.length, 'package')} matches the reports`);
}

module.exports = { typeEntryPoints, reportName };

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
