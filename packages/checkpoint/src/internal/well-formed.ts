const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the string has no lone UTF-16 surrogate (so it round-trips through UTF-8). */
export function isWellFormedString(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}
