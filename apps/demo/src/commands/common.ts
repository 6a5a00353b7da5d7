import type { Context } from "../context.js";

export interface BackendSummary {
  name: string;
  candidate: string;
  device: string;
  /** On the tensorflow rungs: the TensorFlow version that loaded, oneDNN, its threads. */
  tensorflowVersion?: string;
  oneDnn?: boolean;
  tensorflowThreads?: number;
}

export function backendSummary(ctx: Context): BackendSummary {
  const { tensorflowVersion, oneDnn, tensorflowThreads } = ctx.backend;
  return {
    name: ctx.backend.name,
    candidate: ctx.backend.candidate,
    device: ctx.backend.device,
    ...(tensorflowVersion !== undefined ? { tensorflowVersion } : {}),
    ...(oneDnn !== undefined ? { oneDnn } : {}),
    ...(tensorflowThreads !== undefined ? { tensorflowThreads } : {}),
  };
}

/** `tensorflow-cpu (CPU, TensorFlow 2.21.0, oneDNN on, 1 thread)`, `wasm (CPU)`. */
export function backendLabel(ctx: Context): string {
  const { candidate, device, tensorflowVersion, oneDnn, tensorflowThreads } = ctx.backend;
  const parts = [device.toUpperCase()];
  if (tensorflowVersion !== undefined) parts.push(`TensorFlow ${tensorflowVersion}`);
  if (oneDnn !== undefined) parts.push(`oneDNN ${oneDnn ? "on" : "off"}`);
  if (tensorflowThreads !== undefined) {
    parts.push(`${tensorflowThreads} thread${tensorflowThreads === 1 ? "" : "s"}`);
  }
  return `${candidate} (${parts.join(", ")})`;
}

/** The report's header lines: backend, seed, date. */
export function reportSubtitle(ctx: Context): string[] {
  return [
    `backend: ${backendLabel(ctx)}, seed ${ctx.flags.seed}${ctx.flags.quick ? ", --quick" : ""}`,
    `written ${new Date().toISOString().replace("T", " ").slice(0, 19)} UTC by trainkit`,
  ];
}

/** Percent with one decimal. */
export function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
