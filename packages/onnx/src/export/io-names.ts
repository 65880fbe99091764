/** Graph input and output names of an ssd export (what the runtime, in Node or a page, looks for). */
export const ONNX_INPUT = 'images';
export const ONNX_SCORES = 'scores';
export const ONNX_BOXES = 'boxes';
