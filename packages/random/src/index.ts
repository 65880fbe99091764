export { Rng } from './rng';
export { mixSeed } from './seed';
