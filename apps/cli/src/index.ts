export { buildProgram, run } from './program';
