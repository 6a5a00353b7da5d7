import {
  all,
  any,
  broadcastTo,
  max,
  mean,
  min,
  prod,
  reshape,
  sum,
  type Tensor,
  tidy,
} from "@tensorflow/tfjs-core";
import type { Recipe } from "../../internal/einops-recipe.js";
import { transposeTensor } from "./transpose-tensor.js";

/** A reduction over the given axes (keepDims false), as `tf.sum(x, axes)` does it. */
export type ReduceFn = (x: Tensor, axes: number[]) => Tensor;

export const reduceOps: Record<string, ReduceFn> = {
  sum: (x, axes) => sum(x, axes),
  mean: (x, axes) => mean(x, axes),
  max: (x, axes) => max(x, axes),
  min: (x, axes) => min(x, axes),
  prod: (x, axes) => prod(x, axes),
  any: (x, axes) => any(x, axes),
  all: (x, axes) => all(x, axes),
};

/** Runs a recipe on a tfjs tensor; intermediate tensors are disposed, the input is kept. */
export function applyRecipe(x: Tensor, recipe: Recipe, reduction?: ReduceFn): Tensor {
  return tidy(() => {
    let y = reshape(x, recipe.elementaryShape);
    if (recipe.reducedAxes.length > 0 && reduction !== undefined) {
      y = reduction(y, recipe.reducedAxes);
    }
    if (recipe.permutation.some((p, i) => p !== i)) y = transposeTensor(y, recipe.permutation);
    if (recipe.hasNewAxes) {
      y = broadcastTo(reshape(y, recipe.preBroadcastShape), recipe.broadcastShape);
    }
    return reshape(y, recipe.outputShape);
  });
}
