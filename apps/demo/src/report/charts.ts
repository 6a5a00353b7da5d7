import * as vega from "vega";
import type { TopLevelSpec } from "vega-lite";
import * as vl from "vega-lite";

/**
 * Charts for the HTML report: Vega-Lite specs rendered to static SVG in Node (no canvas, no
 * browser, no network), so the report opens anywhere with no scripts.
 */
export interface Chart {
  /** Stable id, used as the figure's `data-chart`. */
  id: string;
  title: string;
  spec: TopLevelSpec;
  caption?: string;
}

export type Row = Record<string, number | string | boolean | null>;

const CONFIG = {
  font: "system-ui, -apple-system, 'Segoe UI', sans-serif",
  view: { stroke: "#ddd" },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: "#eee", labelLimit: 0 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0 },
  title: { fontSize: 14, anchor: "start" as const },
};

export interface FieldSpec {
  field: string;
  title?: string;
  /** Log scale (quantitative fields only). */
  log?: boolean;
  /** d3 format of the axis labels, e.g. ".0%". */
  format?: string;
  /** Whole-number ticks only (epochs, counts). */
  integer?: boolean;
}

function axisOf(f: FieldSpec): Record<string, unknown> {
  return {
    ...(f.format ? { format: f.format } : {}),
    ...(f.integer ? { tickMinStep: 1, format: f.format ?? "d" } : {}),
  };
}

/** Lines of `y` over `x`, one per value of `color`. */
export function lineChart(options: {
  id: string;
  title: string;
  data: Row[];
  x: FieldSpec;
  y: FieldSpec;
  color?: FieldSpec;
  /** Draw points too (for short series). */
  points?: boolean;
  caption?: string;
  width?: number;
  height?: number;
}): Chart {
  const { x, y, color } = options;
  const spec: TopLevelSpec = {
    width: options.width ?? 560,
    height: options.height ?? 240,
    title: options.title,
    config: CONFIG,
    data: { values: options.data },
    mark: { type: "line", point: options.points ?? false, strokeWidth: 1.8 },
    encoding: {
      x: {
        field: x.field,
        type: "quantitative",
        title: x.title ?? x.field,
        axis: axisOf(x),
      },
      y: {
        field: y.field,
        type: "quantitative",
        title: y.title ?? y.field,
        scale: y.log ? { type: "log" } : { zero: false },
        axis: axisOf(y),
      },
      ...(color
        ? { color: { field: color.field, type: "nominal", title: color.title ?? color.field } }
        : {}),
    },
  };
  return {
    id: options.id,
    title: options.title,
    spec,
    ...(options.caption ? { caption: options.caption } : {}),
  };
}

/** Horizontal bars of `value` per `category`, optionally grouped by `color`. */
export function barChart(options: {
  id: string;
  title: string;
  data: Row[];
  category: FieldSpec;
  value: FieldSpec;
  color?: FieldSpec;
  /** Field whose (string) value is printed at the end of each bar. */
  label?: string;
  /** Stack the `color` parts in one bar instead of bars side by side. */
  stacked?: boolean;
  caption?: string;
  width?: number;
}): Chart {
  const { category, value, color } = options;
  const bars = {
    mark: { type: "bar" as const },
    encoding: {
      y: {
        field: category.field,
        type: "nominal" as const,
        title: category.title ?? category.field,
        sort: null,
      },
      x: {
        field: value.field,
        type: "quantitative" as const,
        title: value.title ?? value.field,
        axis: axisOf(value),
      },
      ...(color
        ? {
            color: {
              field: color.field,
              type: "nominal" as const,
              title: color.title ?? color.field,
              legend: { orient: "bottom" as const, direction: "vertical" as const },
            },
            ...(options.stacked
              ? {}
              : { yOffset: { field: color.field, type: "nominal" as const } }),
          }
        : {}),
    },
  };
  const spec: TopLevelSpec = {
    width: options.width ?? 480,
    title: options.title,
    config: CONFIG,
    data: { values: options.data },
    layer: [
      bars,
      ...(options.label
        ? [
            {
              mark: { type: "text" as const, align: "left" as const, dx: 4, fontSize: 11 },
              encoding: {
                ...bars.encoding,
                text: { field: options.label, type: "nominal" as const },
                color: { value: "#333" },
              },
            },
          ]
        : []),
    ],
  } as TopLevelSpec;
  return {
    id: options.id,
    title: options.title,
    spec,
    ...(options.caption ? { caption: options.caption } : {}),
  };
}

/** A confusion matrix: rows are true classes, columns predictions, counts in the cells. */
export function confusionMatrixChart(options: {
  id: string;
  title: string;
  labels: string[];
  /** `matrix[t][p]` = rows of true class t predicted as p. */
  matrix: number[][];
  caption?: string;
}): Chart {
  const data: Row[] = [];
  options.matrix.forEach((row, t) => {
    row.forEach((count, p) => {
      data.push({
        actual: options.labels[t] ?? String(t),
        predicted: options.labels[p] ?? String(p),
        count,
        label: count > 0 ? String(count) : "",
        correct: t === p,
      });
    });
  });
  const max = Math.max(1, ...options.matrix.flat());
  const cell = Math.max(14, Math.min(36, Math.floor(640 / Math.max(1, options.labels.length))));
  const size = cell * options.labels.length;
  const sort = options.labels;
  const spec: TopLevelSpec = {
    width: size,
    height: size,
    title: options.title,
    config: CONFIG,
    data: { values: data },
    encoding: {
      x: { field: "predicted", type: "ordinal", sort, title: "predicted", axis: { labelAngle: 0 } },
      y: { field: "actual", type: "ordinal", sort, title: "actual" },
    },
    layer: [
      {
        mark: { type: "rect" },
        encoding: {
          // Zero cells stay white, so that the few errors stand out from the empty cells.
          color: {
            condition: { test: "datum.count === 0", value: "white" },
            field: "count",
            type: "quantitative",
            scale: { type: "symlog", scheme: "blues" },
            title: "rows",
          },
        },
      },
      {
        mark: { type: "text", fontSize: cell < 20 ? 8 : 11 },
        encoding: {
          text: { field: "label", type: "nominal" },
          color: {
            condition: { test: `datum.count > ${max * 0.35}`, value: "white" },
            value: "#222",
          },
        },
      },
    ],
  };
  return {
    id: options.id,
    title: options.title,
    spec,
    ...(options.caption ? { caption: options.caption } : {}),
  };
}

/** Points of `y` against `x` (e.g. predicted vs reference values), coloured by `color`. */
export function scatterChart(options: {
  id: string;
  title: string;
  data: Row[];
  x: FieldSpec;
  y: FieldSpec;
  color?: FieldSpec;
  caption?: string;
}): Chart {
  const { x, y, color } = options;
  const spec: TopLevelSpec = {
    width: 360,
    height: 360,
    title: options.title,
    config: CONFIG,
    data: { values: options.data },
    mark: { type: "point", filled: true, size: 28, opacity: 0.8 },
    encoding: {
      x: { field: x.field, type: "quantitative", title: x.title ?? x.field },
      y: { field: y.field, type: "quantitative", title: y.title ?? y.field },
      ...(color
        ? { color: { field: color.field, type: "nominal", title: color.title ?? color.field } }
        : {}),
    },
  };
  return {
    id: options.id,
    title: options.title,
    spec,
    ...(options.caption ? { caption: options.caption } : {}),
  };
}

/** The chart as a standalone SVG string (Vega's SVG renderer, headless). */
export async function renderChartSvg(chart: Chart): Promise<string> {
  const compiled = vl.compile(chart.spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
