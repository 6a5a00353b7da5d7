import { aspectRatioGroups } from "./aspect-ratio-groups.js";
import { GroupedBatchSampler, type GroupedBatchSamplerOptions } from "./grouped-batch-sampler.js";
import type { ImageSize } from "./image.js";

/** Options of {@link AspectRatioGroupedSampler}. */
export interface AspectRatioGroupedSamplerOptions extends GroupedBatchSamplerOptions {
  /** torchvision's `--aspect-ratio-group-factor` k: `2k + 2` groups (default 3, i.e. 8 groups). */
  groupFactor?: number;
}

/**
 * torchvision's detection recipe: `GroupedBatchSampler` over `create_aspect_ratio_groups(k)`.
 * Images are binned by width/height at edges `2 ** linspace(-1, 1, 2k + 1)` and batches are formed
 * inside a bin, so a batch pads to a canvas close to each of its images.
 */
export class AspectRatioGroupedSampler extends GroupedBatchSampler {
  readonly groupFactor: number;

  constructor(sizes: readonly ImageSize[], options: AspectRatioGroupedSamplerOptions) {
    const groupFactor = options?.groupFactor ?? 3;
    super(aspectRatioGroups(sizes, groupFactor), options);
    this.groupFactor = groupFactor;
  }
}
