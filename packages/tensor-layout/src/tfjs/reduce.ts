import type { Tensor } from "@tensorflow/tfjs-core";
import { EinopsError } from "../errors.js";
import { prepareRecipe, REDUCTIONS } from "../internal/einops-recipe.js";
import { applyRecipe, type ReduceFn, reduceOps } from "./internal/apply-recipe.js";

/** Reductions accepted by name: `"min" | "max" | "sum" | "mean" | "prod" | "any" | "all"`. */
export type Reduction = (typeof REDUCTIONS)[number];

export type { ReduceFn };

/**
 * Reduces the axes that appear only on the left of an einops pattern:
 *
 * - `reduce(x, "b h w c -> b c", "mean")` — global average pooling;
 * - `reduce(x, "b (h 2) (w 2) c -> b h w c", "max")` — 2×2 max pooling;
 * - `reduce(x, "b c h w -> b c 1 1", "mean")` — keep reduced axes as length 1.
 *
 * `op` is a name from {@link Reduction} or a function `(x, axes) => tensor` reducing `axes`
 * without keeping them. Returns a new tensor; the input is not disposed.
 * @throws {EinopsError} with the pattern, input shape and cause.
 */
export function reduce(
  x: Tensor,
  pattern: string,
  op: Reduction | ReduceFn,
  axesLengths: Record<string, number> = {},
): Tensor {
  const label = typeof op === "function" ? "reduce" : `${op}-reduction`;
  let fn: ReduceFn;
  if (typeof op === "function") fn = op;
  else if ((REDUCTIONS as readonly string[]).includes(op)) fn = reduceOps[op] as ReduceFn;
  else {
    throw new EinopsError(
      "UNKNOWN_REDUCTION",
      `Unknown reduction ${JSON.stringify(op)}. Expect one of {${REDUCTIONS.join(", ")}} or a function (x, axes) => tensor.`,
      `Error while processing reduce pattern "${pattern}".\n Input tensor shape: [${x.shape.join(", ")}]. Additional info: ${JSON.stringify(axesLengths)}.`,
    );
  }
  const recipe = prepareRecipe("reduce", label, pattern, x.shape, axesLengths);
  return applyRecipe(x, recipe, fn);
}
