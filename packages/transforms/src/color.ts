import { hsvToRgbAt, rgbToHsvAt } from '@ssd/image';
import { CHANNELS, type Transform } from './sample';

/** Colour spaces `convertColor` converts between. */
export type ColorSpace = 'RGB' | 'HSV';

const CONVERSIONS: Record<string, (d: Float32Array, i: number) => void> = {
  'RGB>HSV': rgbToHsvAt,
  'HSV>RGB': hsvToRgbAt,
};

/** ConvertColor: converts the whole image between RGB and HSV in place, in one pass. */
export function convertColor(current: ColorSpace, target: ColorSpace): Transform {
  const convert = CONVERSIONS[`${current}>${target}`];
  if (!convert) throw new Error(`not supported: convertColor from ${current} to ${target}`);
  return (sample) => {
    const d = sample.image;
    for (let i = 0; i < d.length; i += CHANNELS) convert(d, i);
    return sample;
  };
}

/** Hue shifted by `delta` degrees and wrapped back into [0, 360] the way the reference's RandomHue does. */
export function shiftHue(h: number, delta: number): number {
  h += delta;
  if (h > 360) h -= 360;
  if (h < 0) h += 360;
  return h;
}

/**
 * RGB→HSV, saturation × `saturationScale`, hue + `hueDelta`, HSV→RGB, fused into one pass over the
 * image (in place). Scale 1 and delta 0 leave HSV unchanged, so the round trip alone still applies, as
 * it does in the reference.
 */
export function jitterHsvInPlace(d: Float32Array, saturationScale: number, hueDelta: number): void {
  for (let i = 0; i < d.length; i += CHANNELS) {
    rgbToHsvAt(d, i);
    d[i] = shiftHue(d[i], hueDelta);
    d[i + 1] *= saturationScale;
    hsvToRgbAt(d, i);
  }
}
