import { ashaRungs, type ParamValue, type Sweep, type TrialConfig } from "@trainkit/sweep";
import type { CollectedSweep } from "@trainkit/sweep/bullmq";
import type { TopLevelSpec } from "vega-lite";
import type { Chart, Row } from "./charts.js";
import { Report } from "./report.js";

/**
 * The `trainkit sweep run` / `sweep report` report: what ran, the configs over their folds, every
 * trial's learning curve with ASHA's stops, the attempts' timings on each worker, and the trials
 * that resumed from a checkpoint.
 */
export interface SweepReportData {
  collected: CollectedSweep;
  /** The definition file, when the report comes from `sweep run`. */
  file?: string;
  /** Worker processes `sweep run` started. */
  workers?: number;
  /** Seconds `sweep run` took from submit to the last result. */
  wallSeconds?: number;
}

const CONFIG_CHART = {
  font: "system-ui, -apple-system, 'Segoe UI', sans-serif",
  view: { stroke: "#ddd" },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: "#eee", labelLimit: 0 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0 },
  title: { fontSize: 14, anchor: "start" as const },
};

function formatParam(v: ParamValue): string {
  return typeof v === "number" && !Number.isInteger(v)
    ? String(Number(v.toPrecision(4)))
    : String(v);
}

/** The parameters that vary (not the fixed ones), as `schedule=cosine lr=0.003`. */
export function configLabel(sweep: Sweep, config: TrialConfig): string {
  const varying = Object.keys(sweep.space).filter((k) => typeof sweep.space[k] === "object");
  const keys = varying.length > 0 ? varying : Object.keys(config);
  return keys.map((k) => `${k}=${formatParam(config[k] as ParamValue)}`).join(" ");
}

const num = (v: number | null | undefined, digits = 4) =>
  v === null || v === undefined || Number.isNaN(v) ? "–" : v.toFixed(digits);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Learning curves: a line per trial, coloured by config; × where ASHA stopped it; rungs dashed. */
function curvesChart(data: SweepReportData): Chart {
  const { collected } = data;
  const { sweep } = collected;
  const rows = new Map(collected.summary.trials.map((r) => [r.id, r]));
  const trials = Object.fromEntries(
    collected.summary.trials.map((r) => [r.id, configLabel(sweep, r.config)]),
  );
  const lines: Row[] = [];
  for (const [trialId, points] of Object.entries(collected.curves)) {
    for (const p of points) {
      lines.push({
        trial: trialId,
        config: trials[trialId] ?? "running",
        epoch: p.epoch,
        value: p.value,
      });
    }
  }
  const stops: Row[] = collected.asha
    .filter((a) => a.decision === "stop" && rows.get(a.trialId)?.status === "stopped")
    .map((a) => ({
      trial: a.trialId,
      config: trials[a.trialId] ?? "",
      epoch: a.epoch,
      value: a.value,
    }));
  const rungs: Row[] =
    sweep.scheduler === undefined
      ? []
      : ashaRungs(
          sweep.scheduler.gracePeriod,
          sweep.scheduler.reductionFactor,
          sweep.budget.epochs,
        ).map((epoch) => ({ epoch }));
  const metric = `${sweep.metric.name} (${sweep.metric.mode})`;
  const x = {
    field: "epoch",
    type: "quantitative" as const,
    title: "epoch",
    axis: { tickMinStep: 1, format: "d" },
  };
  const y = {
    field: "value",
    type: "quantitative" as const,
    title: metric,
    scale: { zero: false },
  };
  const color = { field: "config", type: "nominal" as const, title: "config" };
  const spec = {
    width: 640,
    height: 320,
    title: `${sweep.metric.name} per epoch, every trial`,
    config: CONFIG_CHART,
    layer: [
      ...(rungs.length > 0
        ? [
            {
              data: { values: rungs },
              mark: { type: "rule", strokeDash: [4, 4], color: "#999" },
              encoding: { x },
            },
          ]
        : []),
      {
        data: { values: lines },
        mark: { type: "line", strokeWidth: 1.4, opacity: 0.75, point: { size: 14 } },
        encoding: { x, y, color, detail: { field: "trial", type: "nominal" } },
      },
      ...(stops.length > 0
        ? [
            {
              data: { values: stops },
              mark: { type: "point", shape: "cross", size: 90, filled: true, color: "#c62828" },
              encoding: { x, y },
            },
          ]
        : []),
    ],
  } as TopLevelSpec;
  return {
    id: "curves",
    title: "Learning curves",
    spec,
    caption: `A line per trial (${Object.keys(collected.curves).length}), coloured by config. Red crosses: where ASHA stopped a trial${rungs.length > 0 ? "; dashed lines: ASHA's rungs" : ""}.`,
  };
}

/** Attempts on a time axis, one row per worker, coloured by how they ended. */
function timelineChart(data: SweepReportData, t0: number, now: number): Chart {
  const rows: Row[] = data.collected.attempts.map((a) => ({
    worker: a.worker,
    trial: a.trialId,
    start: (a.startedAt - t0) / 1000,
    end: ((a.endedAt ?? now) - t0) / 1000,
    outcome: a.outcome,
  }));
  const spec = {
    width: 640,
    title: "Attempts per worker over time",
    config: CONFIG_CHART,
    data: { values: rows },
    mark: { type: "bar", height: { band: 0.7 }, stroke: "#fff", strokeWidth: 0.5 },
    encoding: {
      y: { field: "worker", type: "nominal", title: "worker" },
      x: { field: "start", type: "quantitative", title: "seconds since the first start" },
      x2: { field: "end" },
      color: { field: "outcome", type: "nominal", title: "outcome" },
    },
  } as TopLevelSpec;
  return {
    id: "timeline",
    title: "Attempts per worker over time",
    spec,
    caption: "Each bar is one attempt at a trial, from its start to its end on that worker.",
  };
}

function overview(report: Report, data: SweepReportData, wallMs: number): void {
  const { collected } = data;
  const { sweep, summary } = collected;
  const rows = summary.trials;
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  const epochsRun = rows.reduce((sum, r) => sum + r.epochs, 0);
  const fullBudget = sweep.trialCount * sweep.budget.epochs;
  const section = report.section("Overview");
  section.table(
    ["setting", "value"],
    [
      ["sweep", collected.sweepId],
      ...(sweep.name !== undefined ? [["name", sweep.name]] : []),
      ...(data.file !== undefined ? [["definition", data.file]] : []),
      ["trainable", sweep.trainable ?? "plate-bp"],
      [
        "trials",
        `${sweep.trialCount} = ${sweep.configCount} configs × ${sweep.foldCount} folds × ${sweep.repeats} repeats`,
      ],
      [
        "results",
        `${count("completed")} completed, ${count("stopped")} stopped, ${count("failed")} failed${rows.length < sweep.trialCount ? `, ${sweep.trialCount - rows.length} without a result yet` : ""}`,
      ],
      ["metric", `${sweep.metric.name} (${sweep.metric.mode})`],
      ["budget", `${sweep.budget.epochs} epochs per trial`],
      [
        "early stopping",
        sweep.scheduler === undefined
          ? "none"
          : `ASHA, grace period ${sweep.scheduler.gracePeriod}, reduction factor ${sweep.scheduler.reductionFactor}`,
      ],
      [
        "epochs trained",
        `${epochsRun} of ${fullBudget} (${fullBudget > 0 ? ((100 * epochsRun) / fullBudget).toFixed(0) : 0}% of the full grid)`,
      ],
      ...(data.workers !== undefined ? [["workers", String(data.workers)]] : []),
      ["wall time", seconds(wallMs)],
    ],
  );
  const best = [...summary.configs]
    .filter((c) => c.mean !== null)
    .sort(
      (a, b) => ((a.mean as number) - (b.mean as number)) * (sweep.metric.mode === "max" ? -1 : 1),
    )[0];
  if (best !== undefined) {
    section.text(
      `Best config over its folds: ${configLabel(sweep, best.config)}, ${sweep.metric.name} ${num(best.mean)}${best.std !== null ? ` ± ${num(best.std)}` : ""} (${best.n} fold${best.n === 1 ? "" : "s"} completed).`,
    );
  }
}

function configsSection(report: Report, data: SweepReportData): void {
  const { sweep, summary } = data.collected;
  const sign = sweep.metric.mode === "max" ? -1 : 1;
  const configs = [...summary.configs].sort((a, b) => {
    if (a.mean === null || b.mean === null)
      return (a.mean === null ? 1 : 0) - (b.mean === null ? 1 : 0);
    return (a.mean - b.mean) * sign;
  });
  report
    .section("Configs over folds")
    .text(
      `The mean and sample standard deviation over folds of each completed trial's best ${sweep.metric.name}, best config first. Stopped and failed trials are counted, not averaged.`,
    )
    .table(
      ["config", "mean", "± std", "n", "completed", "stopped", "failed", "per fold"],
      configs.map((c) => [
        configLabel(sweep, c.config),
        num(c.mean),
        num(c.std),
        c.n,
        c.completed,
        c.stopped,
        c.failed,
        c.foldValues.map((v) => num(v, 3)).join("  "),
      ]),
    );
}

function trialsSection(report: Report, data: SweepReportData): void {
  const { sweep, summary } = data.collected;
  report
    .section("Trials")
    .chart(curvesChart(data))
    .table(
      [
        "trial",
        "config",
        "fold",
        "seed",
        "status",
        "epochs",
        "last",
        "best",
        "attempts",
        "resumes",
        "error",
      ],
      summary.trials.map((r) => [
        r.id,
        configLabel(sweep, r.config),
        r.fold,
        r.seed,
        r.status,
        r.epochs,
        num(r.metric),
        num(r.best),
        r.attempts,
        r.resumes,
        r.error ?? "",
      ]),
    );
}

function timingsSection(report: Report, data: SweepReportData, t0: number, now: number): void {
  const { attempts } = data.collected;
  const section = report.section("Timings");
  if (attempts.length === 0) {
    section.text("No attempt has started.");
    return;
  }
  const durations = attempts
    .filter((a) => a.endedAt !== null)
    .map((a) => (a.endedAt as number) - a.startedAt);
  const total = durations.reduce((s, d) => s + d, 0);
  section
    .text(
      `${attempts.length} attempts on ${new Set(attempts.map((a) => a.worker)).size} workers; ${seconds(total)} of training time in finished attempts (mean ${seconds(durations.length ? total / durations.length : 0)}).`,
    )
    .chart(timelineChart(data, t0, now))
    .table(
      ["trial", "attempt", "worker", "started", "duration", "outcome"],
      attempts.map((a) => [
        a.trialId,
        a.attempt,
        a.worker,
        `+${seconds(a.startedAt - t0)}`,
        a.endedAt === null ? "–" : seconds(a.endedAt - a.startedAt),
        a.outcome,
      ]),
    );
}

function resumesSection(report: Report, data: SweepReportData): void {
  const resumed = data.collected.attempts.filter((a) => a.resumedFrom !== null);
  const section = report.section("Resumes");
  if (resumed.length === 0) {
    section.text(
      "No trial was resumed: every attempt started from epoch 0 and no worker was lost.",
    );
    return;
  }
  section
    .text(
      "Attempts that went on from a checkpoint (after a killed, frozen or preempted worker), and the checkpoint each one loaded.",
    )
    .table(
      ["trial", "attempt", "worker", "checkpoint", "update", "epoch", "outcome"],
      resumed.map((a) => {
        const from = a.resumedFrom as { path: string; step: number; epoch: number };
        return [a.trialId, a.attempt, a.worker, from.path, from.step, from.epoch, a.outcome];
      }),
    );
}

/** The sweep's HTML report (see {@link SweepReportData}). */
export function sweepReport(data: SweepReportData): Report {
  const { collected } = data;
  const now = Date.now();
  const starts = collected.attempts.map((a) => a.startedAt);
  const ends = collected.attempts.map((a) => a.endedAt ?? now);
  const t0 = starts.length > 0 ? Math.min(...starts) : now;
  const wallMs =
    data.wallSeconds !== undefined ? data.wallSeconds * 1000 : Math.max(t0, ...ends) - t0;
  const report = new Report(`trainkit sweep ${collected.sweep.name ?? collected.sweepId}`, [
    `sweep ${collected.sweepId}: ${collected.sweep.trialCount} trials of the ${collected.sweep.trainable ?? "plate-bp"} trainable`,
    `written ${new Date().toISOString().replace("T", " ").slice(0, 19)} UTC by trainkit`,
  ]);
  overview(report, data, wallMs);
  configsSection(report, data);
  trialsSection(report, data);
  timingsSection(report, data, t0, now);
  resumesSection(report, data);
  return report;
}
