import type { Context } from "../context.js";
import { type PortData, portExperiment } from "../experiments/port.js";
import { portReport } from "../report/port-report.js";
import { type CommandResult, finishCommand } from "./common.js";

export type PortResult = CommandResult<"port", Omit<PortData, "pytorch" | "points">>;

/** `trainkit port [state_dict]`: the state_dict in tfjs, checked against PyTorch's output. */
export async function runPort(ctx: Context): Promise<PortResult> {
  const started = performance.now();
  const { flags } = ctx;
  const data = await portExperiment({
    ...(flags.args[0] !== undefined ? { file: flags.args[0] } : {}),
    ...(flags.reference !== undefined ? { reference: flags.reference } : {}),
    progress: ctx,
  });
  return finishCommand(ctx, started, data, {
    command: "port",
    report: portReport,
    summary: (d) => logComparisons(ctx, d),
    fields: ({ pytorch: _pytorch, points: _points, ...result }) => result,
  });
}

function logComparisons({ log }: Context, data: PortData): void {
  const { comparison, naiveComparison } = data;
  if (comparison) {
    log(
      `output vs PyTorch: max |diff| ${comparison.maxAbsDiff.toExponential(2)}, relative ${comparison.relativeError.toExponential(2)}: ${data.matches ? "matches (< 1e-4)" : "DIFFERS"}`,
    );
  }
  if (naiveComparison) {
    log(
      `with a plain transpose after the flatten instead: relative ${naiveComparison.relativeError.toExponential(2)} (the silent bug)`,
    );
  }
}
