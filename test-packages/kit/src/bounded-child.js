// The child process of runBounded (bounded.ts): requires the code under test (TypeScript transpiled on the
// fly), runs one function on the arguments its parent sends, and sends back how it ended.
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
    fileName: filename,
  });
  module._compile(outputText, filename);
};

process.once('message', async ({ modulePath, name, args }) => {
  const fn = require(modulePath)[name];
  const before = process.memoryUsage().arrayBuffers;
  const start = performance.now();
  let error;
  try {
    await fn(...args);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const arrayBufferMb = (process.memoryUsage().arrayBuffers - before) / 2 ** 20;
  process.send({ ms: performance.now() - start, error, arrayBufferMb }, () => process.exit(0));
});
