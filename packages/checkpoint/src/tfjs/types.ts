import type { Optimizer, Tensor } from "@tensorflow/tfjs-core";

/** A tensor with a name, as optimizers exchange them in getWeights/setWeights. */
export interface NamedTensor {
  name: string;
  tensor: Tensor;
}

/** The parts of a tfjs-layers `LayerVariable` a checkpoint needs. */
export interface WeightVariable {
  /** unique registry name (may carry a `_1` suffix) */
  readonly name: string;
  /** stable scoped name, e.g. `dense_Dense1/kernel` */
  readonly originalName: string;
  readonly shape: readonly (number | null)[];
  readonly dtype: string;
  readonly trainable: boolean;
  read(): Tensor;
  /** tfjs-layers LayerVariable.write: assigns with a shape check, without reading all weights */
  write?(value: Tensor): unknown;
}

/** The parts of a tfjs-layers `LayersModel` a checkpoint needs. */
export interface CheckpointModel {
  readonly weights: readonly WeightVariable[];
  readonly trainableWeights: readonly WeightVariable[];
  setWeights(weights: Tensor[]): void;
  optimizer?: Optimizer | null;
}

export type { Optimizer };

/** How stored weights are paired with the model's: by name, by position, or name then position. */
export type WeightMatch = "auto" | "name" | "position";
