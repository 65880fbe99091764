// Copies the repository's configs/*.yaml (the one source of the reference and quick-start configs) into
// dist/configs, so that the published package carries them and `--config-file vgg_ssd300_voc0712` finds
// them by name outside the repository. Run by `pnpm build` in packages/config.
const fs = require('node:fs');
const path = require('node:path');

const source = path.resolve(__dirname, '..', '..', '..', 'configs');
const target = path.resolve(__dirname, '..', 'dist', 'configs');

const files = fs.readdirSync(source).filter((f) => f.endsWith('.yaml'));
if (files.length === 0) throw new Error(`no .yaml configs in ${source}`);
// Start empty: a config removed from configs/ must not live on in the package.
fs.rmSync(target, { recursive: true, force: true });
fs.mkdirSync(target, { recursive: true });
for (const f of files) fs.copyFileSync(path.join(source, f), path.join(target, f));
console.log(`shipped ${files.length} configs from ${source} in ${target}`);
