import { CheckpointError } from "../errors.js";

export function validateStringMap(
  what: string,
  m: Record<string, string> | undefined,
): Record<string, string> {
  if (m === undefined) return {};
  if (m === null || typeof m !== "object" || Array.isArray(m)) {
    throw new CheckpointError("INVALID_ARGUMENT", `${what} must be an object of strings.`);
  }
  for (const [k, v] of Object.entries(m)) {
    if (typeof v !== "string") {
      throw new CheckpointError(
        "INVALID_ARGUMENT",
        `${what} value for ${JSON.stringify(k)} is ${typeof v}; values must be strings (use JSON.stringify).`,
      );
    }
  }
  return m;
}
