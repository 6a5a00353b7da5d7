import type { Context } from "../context.js";

export interface BackendSummary {
  name: string;
  candidate: string;
  device: string;
}

export function backendSummary(ctx: Context): BackendSummary {
  return {
    name: ctx.backend.name,
    candidate: ctx.backend.candidate,
    device: ctx.backend.device,
  };
}

/** The report's header lines: backend, seed, date. */
export function reportSubtitle(ctx: Context): string[] {
  return [
    `backend: ${ctx.backend.candidate} (${ctx.backend.device.toUpperCase()}), seed ${ctx.flags.seed}${ctx.flags.quick ? ", --quick" : ""}`,
    `written ${new Date().toISOString().replace("T", " ").slice(0, 19)} UTC by trainkit`,
  ];
}

/** Percent with one decimal. */
export function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
