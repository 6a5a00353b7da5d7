import { EinopsError } from "../errors.js";

/** Marker used for `...` in compositions before it is expanded to concrete axes. */
export const ELLIPSIS = "…";

/**
 * One side of an einops pattern. `composition` has one entry per tensor dimension; each entry is
 * the list of elementary axes multiplied into it (empty for an anonymous axis of length 1), or the
 * bare {@link ELLIPSIS} marker for an ellipsis outside brackets.
 */
export interface ParsedExpression {
  composition: Array<string[] | typeof ELLIPSIS>;
  /** Named axes, anonymous axes (unique keys) and the ellipsis marker, as used. */
  identifiers: Set<string>;
  /** Length of each anonymous axis such as the `2` in `(h 2)`, by its unique key. */
  anonymous: Map<string, number>;
  hasEllipsis: boolean;
  ellipsisInBrackets: boolean;
}

let anonymousCounter = 0;

/** Why `name` is not a valid axis name, or `undefined` if it is valid. */
export function axisNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    return "an axis name is a letter followed by letters, digits or underscores";
  }
  if (name.startsWith("_") || name.endsWith("_")) {
    return "an axis name must not start or end with an underscore";
  }
  return undefined;
}

/** Parses one side of a pattern, e.g. `"b (h h2) ... 1"`. */
export function parseExpression(raw: string): ParsedExpression {
  const expression = raw.trim();
  const result: ParsedExpression = {
    composition: [],
    identifiers: new Set(),
    anonymous: new Map(),
    hasEllipsis: false,
    ellipsisInBrackets: false,
  };
  let text = expression;
  if (text.includes(".")) {
    const ellipses = text.split("...").length - 1;
    const dots = text.split(".").length - 1;
    if (ellipses !== 1 || dots !== 3) {
      throw new EinopsError(
        "INVALID_PATTERN",
        `Expression "${expression}" may contain dots only inside one ellipsis (...); each side of a pattern may have at most one "...".`,
      );
    }
    text = text.replace("...", ELLIPSIS);
    result.hasEllipsis = true;
  }

  let group: string[] | undefined;
  const addAxis = (token: string): void => {
    if (token === ELLIPSIS) {
      if (group === undefined) result.composition.push(ELLIPSIS);
      else {
        group.push(ELLIPSIS);
        result.ellipsisInBrackets = true;
      }
      result.identifiers.add(ELLIPSIS);
      return;
    }
    if (/^[0-9]+$/.test(token)) {
      const length = Number.parseInt(token, 10);
      if (length === 1) {
        // An anonymous axis of length 1: its own (empty) dimension outside brackets, nothing inside.
        if (group === undefined) result.composition.push([]);
        return;
      }
      if (length === 0) {
        throw new EinopsError(
          "ANONYMOUS_AXIS",
          `Anonymous axis should have positive length, not ${token}; use a length of 1 or more.`,
        );
      }
      const key = `${length}#${anonymousCounter++}`;
      result.anonymous.set(key, length);
      result.identifiers.add(key);
      if (group === undefined) result.composition.push([key]);
      else group.push(key);
      return;
    }
    const problem = token.includes(ELLIPSIS)
      ? '"..." must stand alone, separated from names by spaces or brackets'
      : axisNameProblem(token);
    if (problem !== undefined) {
      const shown = token.replace(ELLIPSIS, "...");
      throw new EinopsError("INVALID_PATTERN", `Invalid axis identifier: ${shown}; ${problem}.`);
    }
    if (result.identifiers.has(token)) {
      throw new EinopsError(
        "INVALID_PATTERN",
        `Indexing expression contains duplicate dimension "${token}"; each axis name may appear once per side.`,
      );
    }
    result.identifiers.add(token);
    if (group === undefined) result.composition.push([token]);
    else group.push(token);
  };

  let current = "";
  for (const ch of text) {
    if (ch === "(" || ch === ")" || /\s/.test(ch)) {
      if (current !== "") addAxis(current);
      current = "";
      if (ch === "(") {
        if (group !== undefined) {
          throw new EinopsError(
            "INVALID_PATTERN",
            `Axis composition is one-level (brackets inside brackets not allowed) in "${expression}"; write "(a b c)" instead of "(a (b c))".`,
          );
        }
        group = [];
      } else if (ch === ")") {
        if (group === undefined) {
          throw new EinopsError(
            "INVALID_PATTERN",
            `Brackets are not balanced in "${expression}": a ")" has no matching "(".`,
          );
        }
        result.composition.push(group);
        group = undefined;
      }
    } else if (/[A-Za-z0-9_]/.test(ch) || ch === ELLIPSIS) {
      current += ch;
    } else {
      throw new EinopsError(
        "INVALID_PATTERN",
        `Unknown character '${ch}' in "${expression}"; patterns use axis names, numbers, spaces, "(", ")" and "...".`,
      );
    }
  }
  if (group !== undefined) {
    throw new EinopsError(
      "INVALID_PATTERN",
      `Imbalanced parentheses in expression: "${expression}": a "(" is never closed.`,
    );
  }
  if (current !== "") addAxis(current);
  return result;
}
