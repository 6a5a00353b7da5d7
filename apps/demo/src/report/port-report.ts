import * as path from "node:path";
import type { PortComparison, PortData } from "../experiments/port.js";
import { newReport, type RunInfo } from "./blocks.js";
import { scatterChart } from "./charts.js";
import type { Report } from "./report.js";

/** The `port` report: the weight conversions, and the outputs against PyTorch's. */
export function portReport(data: PortData, run: RunInfo): Report {
  const report = newReport(
    `trainkit port: ${path.basename(data.file)} into tfjs`,
    run,
    `${data.model}: ${data.pytorch}`,
  );
  const weights = report.section("Weights");
  weights
    .text(
      "PyTorch computes in NCHW and tfjs in NHWC: conv kernels are permuted, and a Linear after a flatten needs its input axis reordered from (c h w) to (h w c). A plain transpose there loads without complaint and gives wrong outputs.",
    )
    .table(
      ["PyTorch key", "shape", "tfjs weight", "shape", "conversion"],
      data.assignments.map((a) => [
        a.torchKey,
        `[${a.torchShape.join(", ")}]`,
        a.tfjsWeight,
        `[${a.tfjsShape.join(", ")}]`,
        a.conversion,
      ]),
    );
  if (data.warnings.length > 0) {
    weights.pre(data.warnings.map((w) => `${w.code}: ${w.message}`).join("\n"));
  }
  if (data.comparison && data.reference) outputsSection(report, data, data.comparison);
  return report;
}

function outputsSection(report: Report, data: PortData, comparison: PortComparison): void {
  const row = (port: string, c: PortComparison, verdict: string) => [
    port,
    c.maxAbsDiff.toExponential(2),
    c.relativeError.toExponential(2),
    verdict,
  ];
  const naive = data.naiveComparison;
  report
    .section("Outputs against PyTorch")
    .text(
      `Reference: ${path.basename(data.reference ?? "")} (PyTorch's eval() output for its input). Match when max |tfjs − torch| / max |torch| < 1e-4.`,
    )
    .chart(
      scatterChart({
        id: "port-outputs",
        title: "tfjs output vs PyTorch output",
        data: data.points,
        x: { field: "torch", title: "PyTorch" },
        y: { field: "tfjs", title: "tfjs" },
        color: { field: "port" },
        caption: "On the diagonal: the same numbers.",
      }),
    )
    .table(
      ["port", "max |diff|", "relative error", "verdict"],
      [
        row("loadTorchStateDict", comparison, data.matches ? "matches" : "DIFFERS"),
        ...(naive
          ? [
              row(
                "plain transpose after flatten",
                naive,
                naive.relativeError < 1e-4 ? "matches" : "differs (the silent bug)",
              ),
            ]
          : []),
      ],
    );
}
