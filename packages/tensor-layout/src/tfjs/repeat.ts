import type { Tensor } from "@tensorflow/tfjs-core";
import { prepareRecipe } from "../internal/einops-recipe.js";
import { applyRecipe } from "./internal/apply-recipe.js";

/**
 * Adds (and tiles along) axes that appear only on the right of an einops pattern:
 *
 * - `repeat(x, "h w -> h w c", { c: 3 })` — grey image to 3 channels;
 * - `repeat(x, "h w -> (h 2) (w 2)")` — nearest-neighbour 2× upsampling;
 * - `repeat(x, "c -> b c", { b: 8 })` — a batch of copies.
 *
 * Returns a new tensor; the input is not disposed.
 * @throws {EinopsError} with the pattern, input shape and cause.
 */
export function repeat(
  x: Tensor,
  pattern: string,
  axesLengths: Record<string, number> = {},
): Tensor {
  const recipe = prepareRecipe("repeat", "repeat", pattern, x.shape, axesLengths);
  return applyRecipe(x, recipe);
}
