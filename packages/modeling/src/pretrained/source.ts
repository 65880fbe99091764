/** Where a backbone's ImageNet weights come from, and how the reference loads them into the backbone. */
export interface PretrainedSource {
  /** The URL the reference downloads (its file name is the cache and mirror name). */
  readonly url: string;
  /** What the file is, for the log (e.g. "torchvision MobileNetV2, ImageNet"). */
  readonly description: string;
  /**
   * The model-key prefix of the module the reference calls `load_state_dict` on: `backbone.vgg.` when it loads
   * into `self.vgg`, `backbone.` when it loads into the whole backbone. File keys are relative to it.
   */
  readonly under: string;
  /** The reference's `strict` flag: true requires exactly the module's keys; false skips what does not match by name. */
  readonly strict: boolean;
}
