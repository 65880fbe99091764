// Runs Vite's production build of a folder (argv: root, outDir) in a process of its own: Vite's API is an ES
// module, which jest's CommonJS test files cannot import.
import { build } from 'vite';

const [root, outDir] = process.argv.slice(2);
await build({
  root,
  configFile: false,
  logLevel: 'error',
  // Relative asset URLs: the tests serve each page under a path of its own.
  base: './',
  build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
});
