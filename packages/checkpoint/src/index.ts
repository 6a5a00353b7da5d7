export type { AtomicWriteOptions } from "./atomic-write.js";
export { isTempFileName, syncDirectory, writeFileAtomic } from "./atomic-write.js";
export type {
  CheckpointInfo,
  CheckpointKind,
  StoredOptimizer,
  StoredWeight,
  TrainingState,
} from "./checkpoint-format.js";
export {
  CHECKPOINT_FORMAT_VERSION,
  readCheckpointInfo,
  verifyCheckpoint,
} from "./checkpoint-format.js";
export type { SafetensorsDtype, TensorData } from "./dtypes.js";
export {
  dtypeBitSize,
  isSafetensorsDtype,
  SAFETENSORS_DTYPES,
  typedArrayFor,
} from "./dtypes.js";
export type { CheckpointErrorCode, SafetensorsErrorCode } from "./errors.js";
export { CheckpointError, SafetensorsError } from "./errors.js";
export type { ByteGroup, CheckpointExplanation } from "./explain-checkpoint.js";
export { explainCheckpoint } from "./explain-checkpoint.js";
export {
  bfloat16BitsToFloat32,
  float16BitsToFloat32,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
  fromBfloat16,
  fromFloat16,
  toBfloat16,
  toFloat16,
} from "./half-precision.js";
export type {
  ParsedSafetensors,
  ParseOptions,
  SafetensorsTensor,
  TensorInput,
  WriteSafetensorsOptions,
} from "./safetensors.js";
export {
  openSafetensors,
  parseSafetensors,
  readSafetensors,
  readSafetensorsHeader,
  SafetensorsFile,
  serializeSafetensors,
  writeSafetensors,
} from "./safetensors.js";
export type { SafetensorsHeader, SafetensorsTensorInfo } from "./safetensors-header.js";
export {
  MAX_HEADER_SIZE,
  parseSafetensorsHeader,
  readHeaderLength,
} from "./safetensors-header.js";
