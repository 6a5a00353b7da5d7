import { LayoutError } from "./errors.js";

/**
 * A layout string names each axis of a tensor with one upper-case letter, outermost first:
 * `"NCHW"` (PyTorch images), `"NHWC"` (TensorFlow / tfjs images), `"CHW"`, `"HWC"`,
 * `"NCDHW"`, `"NDHWC"`, `"NCW"`, `"NWC"`. Any distinct letters are accepted.
 */
export type Layout = string;

const LAYOUT_RE = /^[A-Z]+$/;

/** Checks a layout string and returns its letters; throws {@link LayoutError} `INVALID_LAYOUT`. */
export function parseLayout(layout: Layout): string[] {
  if (typeof layout !== "string" || !LAYOUT_RE.test(layout)) {
    throw new LayoutError(
      "INVALID_LAYOUT",
      `Invalid layout ${JSON.stringify(layout)}: a layout is one or more upper-case letters, one per axis, e.g. "NCHW" or "NHWC".`,
    );
  }
  const letters = [...layout];
  const seen = new Set<string>();
  for (const letter of letters) {
    if (seen.has(letter)) {
      throw new LayoutError(
        "INVALID_LAYOUT",
        `Invalid layout "${layout}": axis "${letter}" appears twice; each letter must name exactly one axis.`,
      );
    }
    seen.add(letter);
  }
  return letters;
}

/**
 * The permutation that turns a tensor in layout `from` into layout `to`, in the convention of
 * `tf.transpose` / `numpy.transpose`: output axis `i` is input axis `perm[i]`.
 *
 * `permutation("NCHW", "NHWC")` is `[0, 2, 3, 1]`; `permutation("NHWC", "NCHW")` is `[0, 3, 1, 2]`.
 */
export function permutation(from: Layout, to: Layout): number[] {
  const src = parseLayout(from);
  const dst = parseLayout(to);
  const missing = dst.filter((a) => !src.includes(a));
  const extra = src.filter((a) => !dst.includes(a));
  if (src.length !== dst.length || missing.length > 0 || extra.length > 0) {
    throw new LayoutError(
      "LAYOUT_MISMATCH",
      `Cannot convert layout "${from}" to "${to}": both must name the same axes` +
        (extra.length > 0 ? `; only in "${from}": ${extra.join(", ")}` : "") +
        (missing.length > 0 ? `; only in "${to}": ${missing.join(", ")}` : "") +
        `. Valid targets for "${from}" are its letters in any order.`,
    );
  }
  return dst.map((a) => src.indexOf(a));
}

/** Checks that `perm` is a permutation of `0..n-1` (with `n = perm.length`, or `rank` when given). */
export function assertPermutation(perm: readonly number[], rank: number = perm.length): void {
  const seen = new Array<boolean>(rank).fill(false);
  const ok =
    perm.length === rank &&
    perm.every((p) => {
      if (!Number.isInteger(p) || p < 0 || p >= rank || seen[p]) return false;
      seen[p] = true;
      return true;
    });
  if (!ok) {
    throw new LayoutError(
      "INVALID_PERMUTATION",
      `Invalid permutation [${perm.join(", ")}] for rank ${rank}: expected each of 0..${rank - 1} exactly once.`,
    );
  }
}

/**
 * The inverse permutation: `transpose(transpose(x, perm), inversePermutation(perm))` is `x`.
 * `inversePermutation([0, 2, 3, 1])` is `[0, 3, 1, 2]`.
 */
export function inversePermutation(perm: readonly number[]): number[] {
  assertPermutation(perm);
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return inv;
}

/** Applies a permutation to a shape (or any per-axis list): `out[i] = shape[perm[i]]`. */
export function permuteShape<T>(shape: readonly T[], perm: readonly number[]): T[] {
  assertPermutation(perm, shape.length);
  return perm.map((p) => shape[p] as T);
}

/**
 * The shape of a tensor after converting it from layout `from` to layout `to`, without touching data:
 * `convertShape([8, 3, 32, 32], "NCHW", "NHWC")` is `[8, 32, 32, 3]`.
 */
export function convertShape(shape: readonly number[], from: Layout, to: Layout): number[] {
  const perm = permutation(from, to);
  if (shape.length !== perm.length) {
    throw new LayoutError(
      "RANK_MISMATCH",
      `Shape [${shape.join(", ")}] has rank ${shape.length}, but layout "${from}" has ${perm.length} axes; pass a layout with one letter per axis.`,
    );
  }
  return permuteShape(shape, perm);
}

/**
 * The channels-last version of a layout: the `C` axis moved to the end
 * (`"NCHW"` → `"NHWC"`, `"CHW"` → `"HWC"`, `"NCDHW"` → `"NDHWC"`).
 */
export function channelsLast(layout: Layout): string {
  const letters = requireChannel(layout);
  return `${letters.filter((a) => a !== "C").join("")}C`;
}

/**
 * The channels-first version of a layout: the `C` axis moved right after `N`, or to the front when
 * there is no `N` (`"NHWC"` → `"NCHW"`, `"HWC"` → `"CHW"`, `"NDHWC"` → `"NCDHW"`).
 */
export function channelsFirst(layout: Layout): string {
  const letters = requireChannel(layout).filter((a) => a !== "C");
  if (letters[0] === "N") return `NC${letters.slice(1).join("")}`;
  return `C${letters.join("")}`;
}

function requireChannel(layout: Layout): string[] {
  const letters = parseLayout(layout);
  if (!letters.includes("C")) {
    throw new LayoutError(
      "NO_CHANNEL_AXIS",
      `Layout "${layout}" has no channel axis "C"; toNHWC/toNCHW move the C axis, so name it, e.g. "NCHW" or "HWC".`,
    );
  }
  return letters;
}
