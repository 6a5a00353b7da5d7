import util from "node:util";

/**
 * `@tensorflow/tfjs-node` 4.22 calls `util.isNullOrUndefined`, which Node 23 removed: on Node 24
 * its first kernel with an optional argument (conv2d's bias, for one) throws "isNullOrUndefined is
 * not a function". Its native addon itself loads on every Node version (N-API). This puts the
 * function back, with Node's old meaning, before tfjs-node loads; on Node versions that still
 * have it, nothing changes. The same lines, as source, for child processes that load tfjs-node.
 */
export const RESTORE_IS_NULL_OR_UNDEFINED =
  'const u = require("node:util"); if (typeof u.isNullOrUndefined !== "function") u.isNullOrUndefined = (v) => v === null || v === undefined;';

export function restoreIsNullOrUndefined(): void {
  const u = util as unknown as { isNullOrUndefined?: (value: unknown) => boolean };
  if (typeof u.isNullOrUndefined !== "function") {
    u.isNullOrUndefined = (value) => value === null || value === undefined;
  }
}
