import { landscapePortraitGroups } from "./aspect-ratio-groups.js";
import { GroupedBatchSampler, type GroupedBatchSamplerOptions } from "./grouped-batch-sampler.js";
import type { ImageSize } from "./image.js";

/**
 * detectron2's `AspectRatioGroupedDataset`: two buckets, landscape (width > height) and the rest.
 * detectron2 streams forever and carries leftovers into the next epoch; here an epoch is finite, so
 * leftovers follow `tail` (default `"partial"`: each index once per epoch).
 */
export class TwoBucketSampler extends GroupedBatchSampler {
  constructor(sizes: readonly ImageSize[], options: GroupedBatchSamplerOptions) {
    super(landscapePortraitGroups(sizes), options);
  }
}
