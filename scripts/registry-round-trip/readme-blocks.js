// The code blocks of a README that are marked for the round trip (`<!-- round-trip: NAME -->` on the line
// before the fence, or `<!-- browser-example: NAME -->` for the browser example), so the test runs exactly what
// the README tells a user to write.
const { readFileSync } = require('node:fs');

/** Blocks marked `<!-- MARKER: NAME -->` on the line before their fence. */
const markedBlocks = (marker) =>
  new RegExp(`<!-- ${marker}: (\\S+) -->\\s*\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``, 'g');

/** Marked blocks of `file` by name; throws naming the file when one of `required` is missing. */
function readmeBlocks(file, required = [], marker = 'round-trip') {
  const blocks = new Map();
  for (const [, name, body] of readFileSync(file, 'utf8').matchAll(markedBlocks(marker)))
    blocks.set(name, `${body}\n`);
  const missing = required.filter((name) => !blocks.has(name));
  if (missing.length > 0) throw new Error(`${file} has no ${marker} block ${missing.join(', ')}`);
  return blocks;
}

/** The first ```js block of a package README (its example), or undefined. */
function firstJsBlock(file) {
  const match = /```js\n([\s\S]*?)\n```/.exec(readFileSync(file, 'utf8'));
  return match ? `${match[1]}\n` : undefined;
}

/** The packages of an `npm install a b c` line. */
function installedPackages(line) {
  const words = line.trim().split(/\s+/);
  if (words[0] !== 'npm' || words[1] !== 'install') throw new Error(`not an npm install line: ${line}`);
  return words.slice(2);
}

module.exports = { readmeBlocks, firstJsBlock, installedPackages };
