import type { Tensor } from "@tensorflow/tfjs-core";
import { prepareRecipe } from "../internal/einops-recipe.js";
import { applyRecipe } from "./internal/apply-recipe.js";

/**
 * Reorders, splits and merges the axes of a tfjs tensor with an einops pattern:
 *
 * - `rearrange(x, "b c h w -> b h w c")` — transpose NCHW to NHWC;
 * - `rearrange(x, "b h w c -> b (h w c)")` — composition (flatten);
 * - `rearrange(x, "b (h h2) w -> b h h2 w", { h2: 2 })` — decomposition with a given size;
 * - `rearrange(x, "... h w -> ... (h w)")` — ellipsis for any leading axes;
 * - `rearrange(x, "h w -> 1 h w 1")` / `"b 1 h -> b h"` — add or remove length-1 axes.
 *
 * Returns a new tensor; the input is not disposed.
 * @throws {EinopsError} with the pattern, input shape and cause.
 */
export function rearrange(
  x: Tensor,
  pattern: string,
  axesLengths: Record<string, number> = {},
): Tensor {
  const recipe = prepareRecipe("rearrange", "rearrange", pattern, x.shape, axesLengths);
  return applyRecipe(x, recipe);
}
