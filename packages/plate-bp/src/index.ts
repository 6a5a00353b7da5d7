export { type BinarizeOptions, type BinarizeResult, binarize, type Polarity } from "./binarize.js";
export {
  type BoundingBox,
  boundingBox,
  type CropOptions,
  cropToBoundingBox,
} from "./crop-to-bounding-box.js";
export { decodeImage, readImageFile } from "./decode-image.js";
export { easyprFeatures } from "./easypr-features.js";
export {
  ImageDecodeError,
  type ImageDecodeErrorCode,
  PlateBpError,
  type PlateBpErrorCode,
} from "./errors.js";
export {
  type ExtractFeaturesOptions,
  extractFeatures,
  FEATURE_KINDS,
  type FeatureKind,
  featureLength,
} from "./extract-features.js";
export type { BinaryImage, GrayImage, RasterImage } from "./image-types.js";
export { argmax, oneHot } from "./one-hot.js";
export { grayHistogram, otsuThreshold } from "./otsu-threshold.js";
export { type SlidingWindowOptions, slidingWindowFeatures } from "./sliding-window-features.js";
export { BT601_WEIGHTS, type ToGrayscaleOptions, toGrayscale } from "./to-grayscale.js";
