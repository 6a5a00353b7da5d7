import { validateSweep } from "./definition.js";
import { fingerprint128 } from "./internal/hash.js";

/**
 * The id of a sweep: `s` and 32 hex digits, a fingerprint of its validated definition (defaults
 * filled in), so the same definition always has the same id on every machine, and any change
 * (seed, space, folds, budget, scheduler, retries, name) gives another. URL- and file-safe, never
 * all digits, no `:`: usable in queue job ids and directory names. The order of the space's keys
 * is part of the definition. Accepts a definition (validated here) or a {@link Sweep}.
 */
export function sweepId(definition: unknown): string {
  const sweep = validateSweep(definition);
  return `s${fingerprint128(JSON.stringify(sweep))}`;
}
