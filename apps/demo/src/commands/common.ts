import type { Context, GlobalFlags } from "../context.js";
import type { Progress } from "../experiments/common.js";
import { pct, type RunInfo, runSubtitle } from "../report/blocks.js";
import type { Report } from "../report/report.js";

export { pct };

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

/** What the reports say about this run: backend, seed, --quick. */
export function runInfo(ctx: Context): RunInfo {
  return { backend: backendLabel(ctx), seed: ctx.flags.seed, quick: ctx.flags.quick };
}

/** The report's header lines: backend, seed, date. */
export function reportSubtitle(ctx: Context): string[] {
  return runSubtitle(runInfo(ctx));
}

/** Writes `<out>/report.html`; its path and the seconds since `started`. */
export async function writeReport(
  ctx: Context,
  report: Report,
  started: number,
): Promise<{ report: string; seconds: number }> {
  const file = await report.write(ctx.flags.out);
  return { report: file, seconds: (performance.now() - started) / 1000 };
}

/** The last line of every command: where the report is and how long the run took. */
export function logReportPath(ctx: Context, written: { report: string; seconds: number }): void {
  ctx.log(`report: ${written.report} (${written.seconds.toFixed(1)} s)`);
}

/**
 * A fixed-width table on the console after an empty line: the first column left-aligned, the
 * others right-aligned, each `width` characters wide.
 */
export function logTable(
  ctx: Context,
  columns: { title: string; width: number }[],
  rows: string[][],
): void {
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const width = columns[i]?.width ?? 0;
        return i === 0 ? cell.padEnd(width) : cell.padStart(width);
      })
      .join("");
  ctx.log();
  ctx.log(line(columns.map((c) => c.title)));
  for (const row of rows) ctx.log(line(row));
}

/** The fields every command's JSON result starts and ends with. */
export type CommandResult<C extends string, F> = { command: C; backend: BackendSummary } & F & {
    report: string;
    seconds: number;
  };

/** How a command ends once its experiment has run. */
export interface CommandEnd<C extends string, D, F> {
  command: C;
  /** The report of the experiment's data. */
  report: (data: D, run: RunInfo) => Report;
  /** Console lines between the experiment's progress and the report's path. */
  summary?: (data: D) => void;
  /** The JSON result's own fields. */
  fields: (data: D) => F;
}

/**
 * Writes the report of `data`, logs the summary and the report's path, and returns the JSON
 * result: command, backend, the command's fields, report path and seconds since `started`.
 */
export async function finishCommand<C extends string, D, F>(
  ctx: Context,
  started: number,
  data: D,
  end: CommandEnd<C, D, F>,
): Promise<CommandResult<C, F>> {
  const written = await writeReport(ctx, end.report(data, runInfo(ctx)), started);
  end.summary?.(data);
  logReportPath(ctx, written);
  return { command: end.command, backend: backendSummary(ctx), ...end.fields(data), ...written };
}

/** A command that runs one experiment with settings from the flags and prints a table. */
export interface TableCommand<C extends string, O, D, F>
  extends Omit<CommandEnd<C, D, F>, "summary"> {
  /** The line before the experiment starts, from its settings. */
  headline: (options: O) => string;
  /** The console table: `[title, width]` per column and a row per line. */
  columns: [string, number][];
  rows: (data: D) => string[][];
}

/**
 * Logs the {@link TableCommand}'s headline, runs `experiment` with the settings `options` gives
 * for the flags, then writes the report and logs the table and the report's path.
 */
export async function runTableCommand<C extends string, O, D, F>(
  ctx: Context,
  options: (flags: GlobalFlags) => O,
  experiment: (options: O & { progress: Progress }) => Promise<D>,
  spec: TableCommand<C, O, D, F>,
): Promise<CommandResult<C, F>> {
  const started = performance.now();
  const settings = { ...options(ctx.flags), progress: ctx };
  ctx.log();
  ctx.log(spec.headline(settings));
  const data = await experiment(settings);
  const columns = spec.columns.map(([title, width]) => ({ title, width }));
  const summary = (d: D) => logTable(ctx, columns, spec.rows(d));
  return finishCommand(ctx, started, data, { ...spec, summary });
}

/** The named fields of `data`, in the order named. */
export function pick<T, K extends keyof T>(data: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, data[k]])) as Pick<T, K>;
}
