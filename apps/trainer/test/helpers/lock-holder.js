// Takes the OUTPUT_DIR lock as a training run does and holds it until stdin closes, then releases it.
// Prints "locked" once it holds it; a refusal goes to stderr with exit code 1. Usage: node lock-holder.js DIR
require('./ts-require');
const { lockOutputDir } = require('../../src/train/output-lock.ts');

let lock;
try {
  lock = lockOutputDir(process.argv[2], (line) => console.log(line));
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
console.log('locked');
process.stdin.resume();
process.stdin.on('end', () => {
  lock.release();
  process.exit(0);
});
