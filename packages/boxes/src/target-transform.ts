import { encodeLocations } from './box-coding';
import { centerFormToCornerForm, cornerFormToCenterForm } from './box-forms';
import { assignPriors } from './matching';

/** The config fields the target transform reads; any full `SSDConfig` satisfies it. */
export interface TargetConfig {
  MODEL: { THRESHOLD: number; CENTER_VARIANCE: number; SIZE_VARIANCE: number };
}

/** Training targets for one image: encoded locations (`numPriors × 4`) and labels (`numPriors`). */
export interface TargetEncoding {
  locations: Float32Array;
  labels: Int32Array;
}

/**
 * The reference's SSDTargetTransform: matches relative corner-form ground truth to the priors at
 * `MODEL.THRESHOLD` and encodes the matched boxes. Without ground truth, every prior is background
 * with zero locations (the loss never reads locations of background priors).
 */
export function matchAndEncode(
  gtBoxesCorner: Float32Array,
  gtLabels: Int32Array,
  priorsCenter: Float32Array,
  cfg: TargetConfig,
): TargetEncoding {
  const { THRESHOLD, CENTER_VARIANCE, SIZE_VARIANCE } = cfg.MODEL;
  const { boxes, labels } = assignPriors(
    gtBoxesCorner,
    gtLabels,
    centerFormToCornerForm(priorsCenter),
    THRESHOLD,
  );
  if (gtLabels.length === 0) return { locations: new Float32Array(boxes.length), labels };
  const locations = encodeLocations(
    cornerFormToCenterForm(boxes),
    priorsCenter,
    CENTER_VARIANCE,
    SIZE_VARIANCE,
  );
  return { locations, labels };
}
