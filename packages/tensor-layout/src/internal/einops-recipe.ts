import { EinopsError, type EinopsErrorCode } from "../errors.js";
import {
  axisNameProblem,
  ELLIPSIS,
  type ParsedExpression,
  parseExpression,
} from "./parse-expression.js";

export type EinopsOperation = "rearrange" | "reduce" | "repeat";

/** The reductions {@link reduce} accepts by name, as in einops. */
export const REDUCTIONS = ["min", "max", "sum", "mean", "prod", "any", "all"] as const;

/** How to turn a tensor of a given shape into the pattern's output: reshape → reduce → transpose → broadcast → reshape. */
export interface Recipe {
  /** Shape after splitting every input dimension into its elementary axes. */
  elementaryShape: number[];
  /** Positions in `elementaryShape` to reduce over (reduce only). */
  reducedAxes: number[];
  /** Permutation of the remaining elementary axes into right-side order. */
  permutation: number[];
  /** Shape before broadcasting: right-side elementary axes, 1 for axes new in repeat. */
  preBroadcastShape: number[];
  /** Shape of right-side elementary axes (after repeat's broadcast). */
  broadcastShape: number[];
  /** Whether any new axis is added (repeat). */
  hasNewAxes: boolean;
  /** Final output shape. */
  outputShape: number[];
}

function fmtSet(items: Iterable<string>): string {
  const shown = [...items].map((s) => (s === ELLIPSIS ? "..." : s.replace(/#\d+$/, "")));
  return `{${shown.join(", ")}}`;
}

function fmtAxes(axes: Record<string, number>): string {
  const entries = Object.entries(axes);
  return entries.length === 0 ? "{}" : `{${entries.map(([k, v]) => `${k}: ${v}`).join(", ")}}`;
}

/**
 * Works out the recipe for `op` with `pattern` on a tensor of `shape`, or throws an
 * {@link EinopsError} that names the operation, the pattern, the shape and the cause.
 */
export function prepareRecipe(
  op: EinopsOperation,
  opLabel: string,
  pattern: string,
  shape: readonly number[],
  axesLengths: Record<string, number>,
): Recipe {
  const context = `Error while processing ${opLabel} pattern "${pattern}".\n Input tensor shape: [${shape.join(", ")}]. Additional info: ${fmtAxes(axesLengths)}.`;
  const fail = (code: EinopsErrorCode, reason: string): never => {
    throw new EinopsError(code, reason, context);
  };
  try {
    return build(op, opLabel, pattern, shape, axesLengths, fail);
  } catch (e) {
    if (e instanceof EinopsError && e.message === e.reason) {
      throw new EinopsError(e.code, e.reason, context);
    }
    throw e;
  }
}

function build(
  op: EinopsOperation,
  opLabel: string,
  pattern: string,
  shape: readonly number[],
  axesLengths: Record<string, number>,
  fail: (code: EinopsErrorCode, reason: string) => never,
): Recipe {
  const sides = pattern.split("->");
  if (sides.length !== 2) {
    fail(
      "INVALID_PATTERN",
      `Pattern must contain "->" exactly once (found ${sides.length - 1}), e.g. "b c h w -> b h w c".`,
    );
  }
  const left = parseExpression(sides[0] as string);
  const right = parseExpression(sides[1] as string);

  if (!left.hasEllipsis && right.hasEllipsis) {
    fail(
      "INVALID_PATTERN",
      `Ellipsis found in right side, but not left side of a pattern "${pattern}"; add "..." to the left side too.`,
    );
  }
  if (left.hasEllipsis && left.ellipsisInBrackets) {
    fail(
      "INVALID_PATTERN",
      `Ellipsis inside parenthesis in the left side is not allowed: "${pattern}"; brackets with "..." may appear only on the right.`,
    );
  }

  const leftNamed = namedAxes(left);
  const rightNamed = namedAxes(right);
  if (op === "rearrange") {
    if (left.anonymous.size > 0 || right.anonymous.size > 0) {
      fail(
        "ANONYMOUS_AXIS",
        "Non-unitary anonymous axes are not supported in rearrange (exception is length 1); name the axis and pass its length, e.g. rearrange(x, 'b (h h2) -> b h h2', { h2: 2 }).",
      );
    }
    const onlyLeft = [...left.identifiers].filter((a) => !right.identifiers.has(a));
    const onlyRight = [...right.identifiers].filter((a) => !left.identifiers.has(a));
    if (onlyLeft.length + onlyRight.length > 0) {
      fail(
        "UNMATCHED_IDENTIFIERS",
        `Identifiers only on one side of expression (should be on both): ${fmtSet([...onlyLeft, ...onlyRight])}; use reduce() to remove axes or repeat() to add them.`,
      );
    }
  } else if (op === "repeat") {
    const onlyLeft = [...left.identifiers].filter((a) => !right.identifiers.has(a));
    if (onlyLeft.length > 0) {
      fail(
        "UNMATCHED_IDENTIFIERS",
        `Unexpected identifiers on the left side of repeat: ${fmtSet(onlyLeft)}; repeat keeps every input axis, use reduce() to remove axes.`,
      );
    }
    const withoutSize = [...rightNamed].filter((a) => !leftNamed.has(a) && !(a in axesLengths));
    if (withoutSize.length > 0) {
      fail(
        "MISSING_AXIS_LENGTH",
        `Specify sizes for new axes in repeat: ${fmtSet(withoutSize)}, e.g. repeat(x, pattern, { ${withoutSize[0]}: 3 }).`,
      );
    }
  } else {
    const onlyRight = [...right.identifiers].filter((a) => !left.identifiers.has(a));
    if (onlyRight.length > 0) {
      fail(
        "UNMATCHED_IDENTIFIERS",
        `Unexpected identifiers on the right side of ${opLabel}: ${fmtSet(onlyRight)}; reduce can only keep or drop input axes, use repeat() to add axes.`,
      );
    }
  }

  // Axis lengths given by the caller.
  const known = new Map<string, number>();
  for (const [name, length] of Object.entries(axesLengths)) {
    const problem = axisNameProblem(name);
    if (problem !== undefined)
      fail("INVALID_PATTERN", `Invalid name for an axis: ${name}; ${problem}.`);
    if (!Number.isInteger(length) || length < 1) {
      fail(
        "INVALID_AXIS_LENGTH",
        `Length of axis ${name} must be a positive integer, got ${length}.`,
      );
    }
    if (!leftNamed.has(name) && !rightNamed.has(name)) {
      fail(
        "UNUSED_AXIS_LENGTH",
        `Axis ${name} is not used in transform; axes in the pattern are ${fmtSet(new Set([...leftNamed, ...rightNamed]))}.`,
      );
    }
    known.set(name, length);
  }
  for (const side of [left, right]) for (const [k, v] of side.anonymous) known.set(k, v);

  // Expand the ellipsis to as many axes as the input has left over.
  const ndim = shape.length;
  let ellipsisAxes: string[] = [];
  if (left.hasEllipsis) {
    const others = left.composition.length - 1;
    if (ndim < others) {
      fail("RANK_MISMATCH", `Wrong shape: expected >=${others} dims. Received ${ndim}-dim tensor.`);
    }
    ellipsisAxes = Array.from({ length: ndim - others }, (_, i) => `${ELLIPSIS}${i}`);
  } else if (ndim !== left.composition.length) {
    fail(
      "RANK_MISMATCH",
      `Wrong shape: expected ${left.composition.length} dims. Received ${ndim}-dim tensor.`,
    );
  }
  const leftGroups = expand(left, ellipsisAxes);
  const rightGroups = expand(right, ellipsisAxes);

  // Infer lengths from the input shape.
  leftGroups.forEach((group, dim) => {
    const length = shape[dim] as number;
    const unknown = group.filter((a) => !known.has(a));
    if (unknown.length > 1) {
      fail(
        "MISSING_AXIS_LENGTH",
        `Could not infer sizes for ${fmtSet(unknown)}; pass the lengths of all but one, e.g. { ${unknown[1]}: 2 }.`,
      );
    }
    const product = group
      .filter((a) => known.has(a))
      .reduce((p, a) => p * (known.get(a) as number), 1);
    if (unknown.length === 0) {
      if (length !== product) fail("SHAPE_MISMATCH", `Shape mismatch, ${length} != ${product}.`);
    } else {
      if (length % product !== 0) {
        fail(
          "SHAPE_MISMATCH",
          `Shape mismatch, can't divide axis of length ${length} in chunks of ${product}.`,
        );
      }
      known.set(unknown[0] as string, length / product);
    }
  });

  const leftElems = leftGroups.flat();
  const rightElems = rightGroups.flat();
  const rightSet = new Set(rightElems);
  const leftSet = new Set(leftElems);
  const reducedAxes: number[] = [];
  const remaining: string[] = [];
  leftElems.forEach((a, i) => {
    if (rightSet.has(a)) remaining.push(a);
    else reducedAxes.push(i);
  });
  const existing = rightElems.filter((a) => leftSet.has(a));
  const len = (a: string): number => known.get(a) as number;
  return {
    elementaryShape: leftElems.map(len),
    reducedAxes,
    permutation: existing.map((a) => remaining.indexOf(a)),
    preBroadcastShape: rightElems.map((a) => (leftSet.has(a) ? len(a) : 1)),
    broadcastShape: rightElems.map(len),
    hasNewAxes: rightElems.some((a) => !leftSet.has(a)),
    outputShape: rightGroups.map((g) => g.reduce((p, a) => p * len(a), 1)),
  };
}

function namedAxes(side: ParsedExpression): Set<string> {
  return new Set([...side.identifiers].filter((a) => a !== ELLIPSIS && !side.anonymous.has(a)));
}

/** Replaces the ellipsis marker by concrete axes: one dimension each, or all inside its bracket. */
function expand(side: ParsedExpression, ellipsisAxes: string[]): string[][] {
  const groups: string[][] = [];
  for (const entry of side.composition) {
    if (entry === ELLIPSIS) {
      for (const a of ellipsisAxes) groups.push([a]);
    } else {
      groups.push(entry.flatMap((a) => (a === ELLIPSIS ? ellipsisAxes : [a])));
    }
  }
  return groups;
}
