/** Every built-in emitter, registered in one place. */
import { registerBlockEmitters } from './blocks';
import { registerHeadEmitters } from './box-head';
import { registerLayerEmitters } from './nn-layers';

/** Registers the emitters of @ssd/modeling's layers, backbone blocks, box predictors and box head. */
export function registerBuiltInEmitters(): void {
  registerLayerEmitters();
  registerBlockEmitters();
  registerHeadEmitters();
}
