import type { Output } from "../progress.js";

/**
 * Where an experiment shows that it is working: progress bars on `out`, a line per stage
 * through `log`. The CLI passes its context (stdout, or stderr under --json); tests pass
 * {@link SILENT}.
 */
export interface Progress {
  out: Output;
  log: (line?: string) => void;
}

/** Progress that goes nowhere. */
export const SILENT: Progress = { out: { write: () => true }, log: () => {} };

/** The flags every experiment's defaults depend on. */
export interface ExperimentFlags {
  quick: boolean;
  seed: number;
  /** --epochs, when given. */
  epochs?: number;
}

/** Percent with one decimal. */
export function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
