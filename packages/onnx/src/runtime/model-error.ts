/** A model that does not behave as an ssd export: refused at load, or at run time naming the model, not the images. */
export class OnnxModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxModelError';
  }
}
