/** ImageNet-pretrained backbone weights: where each backbone's come from and how they load. */
export { loadPretrainedBackbone, type PretrainedLoad } from './load';
export type { PretrainedSource } from './source';
