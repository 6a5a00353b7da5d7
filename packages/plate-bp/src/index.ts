export {
  AUGMENTATION_PRESETS,
  type Augmentation,
  type AugmentationPreset,
  type AugmentationRanges,
} from "./augmentation.js";
export { type BinarizeOptions, type BinarizeResult, binarize, type Polarity } from "./binarize.js";
export { boxBlur3 } from "./box-blur.js";
export {
  CAMERA_VIEW_PRESET,
  type CameraCharacterCellsOptions,
  type CameraPlate,
  type CameraShadow,
  type CameraView,
  type CameraViewRanges,
  cameraCharacterCells,
  type PlateCorners,
  type RenderCameraPlateOptions,
  renderCameraPlate,
} from "./camera-view.js";
export {
  type CharacterDataset,
  type CharacterDatasetOptions,
  generateCharacterDataset,
} from "./character-dataset.js";
export { DIGITS, PLATE_ALPHANUMERICS } from "./charsets.js";
export {
  type BoundingBox,
  boundingBox,
  type CropOptions,
  cropToBoundingBox,
} from "./crop-to-bounding-box.js";
export { decodeImage, readImageFile } from "./decode-image.js";
export {
  classifyImage,
  classifyImages,
  type DefaultModelName,
  defaultModelPath,
  loadDefaultModel,
} from "./default-model.js";
export { type DeskewResult, deskew } from "./deskew.js";
export { easyprFeatures } from "./easypr-features.js";
export {
  ImageDecodeError,
  type ImageDecodeErrorCode,
  PlateBpError,
  type PlateBpErrorCode,
  TrainingAbortedError,
  type TrainingStopPoint,
} from "./errors.js";
export {
  binaryFeatures,
  type ExtractFeaturesOptions,
  extractFeatures,
  FEATURE_KINDS,
  type FeatureKind,
  featureLength,
} from "./extract-features.js";
export { flattenLighting } from "./flatten-lighting.js";
export { type GlyphFont, loadFont } from "./glyph-font.js";
export {
  applyHomography,
  type Homography,
  invertHomography,
  type Point,
  solveHomography,
  warpPerspective,
} from "./homography.js";
export type { BinaryImage, GrayImage, RasterImage } from "./image-types.js";
export {
  type BackgroundThresholdOptions,
  type BackgroundThresholdResult,
  backgroundThreshold,
  estimateBackground,
  type LocalPolarity,
  type SauvolaOptions,
  type StripBackgroundOptions,
  sauvolaThreshold,
  stripBackground,
} from "./local-threshold.js";
export {
  loadPlateModel,
  PLATE_MODEL_FORMAT,
  parsePlateModel,
  savePlateModel,
  serializePlateModel,
} from "./model-file.js";
export { argmax, oneHot } from "./one-hot.js";
export { grayHistogram, otsuThreshold } from "./otsu-threshold.js";
export {
  type Classification,
  classifyFeatures,
  classifyImageWith,
  HIDDEN_ACTIVATIONS,
  type HiddenActivation,
  type PlateClassifier,
  predictProbabilities,
} from "./plate-classifier.js";
export {
  MIN_CHARACTER_CELLS,
  MIN_PLATE_COVERAGE,
  MIN_PLATE_WIDTH,
  PLATE_CONFIDENCE_THRESHOLD,
  type PlateReading,
  type PlateSegment,
  type ReadPlateOptions,
  readPlate,
  type SegmentPlateOptions,
  segmentPlate,
} from "./read-plate.js";
export {
  findPlateQuad,
  type PlateQuad,
  type Quad,
  type RectifiedPlate,
  type RectifyOptions,
  rectifyPlate,
} from "./rectify.js";
export { type RenderCharacterOptions, renderCharacter } from "./render-character.js";
export {
  type PlateAugmentation,
  type RenderPlateOptions,
  randomPlateText,
  renderPlate,
} from "./render-plate.js";
export {
  PLATE_LAYOUT,
  type RectifiedSegmentation,
  segmentRectifiedPlate,
} from "./segment-plate.js";
export { type SlidingWindowOptions, slidingWindowFeatures } from "./sliding-window-features.js";
export { BT601_WEIGHTS, type ToGrayscaleOptions, toGrayscale } from "./to-grayscale.js";
