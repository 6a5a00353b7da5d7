import { describe, expect, it } from "vitest";
import { confusionMatrixChart, renderChartSvg } from "./charts.js";

/** The fill of each cell of a rendered confusion matrix, by its `actual/predicted` labels. */
function cellFills(svg: string): Record<string, string> {
  const fills: Record<string, string> = {};
  const cell = /aria-label="predicted: (\w+); actual: (\w+); rows: \d+"[^>]*fill="([^"]+)"/g;
  for (const [, predicted, actual, fill] of svg.matchAll(cell)) {
    fills[`${actual}/${predicted}`] = fill as string;
  }
  return fills;
}

describe("the confusion matrix chart", () => {
  it("leaves zero cells white and shades every other count", async () => {
    const svg = await renderChartSvg(
      confusionMatrixChart({
        id: "cm",
        title: "cm",
        labels: ["a", "b", "c"],
        matrix: [
          [9, 0, 1],
          [0, 7, 0],
          [2, 0, 5],
        ],
      }),
    );
    const fills = cellFills(svg);
    expect(Object.keys(fills)).toHaveLength(9);
    for (const zero of ["a/b", "b/a", "b/c", "c/b"]) expect(fills[zero], zero).toBe("white");
    for (const counted of ["a/a", "a/c", "b/b", "c/a", "c/c"]) {
      expect(fills[counted], counted).toMatch(/^rgb\(/);
      expect(fills[counted], counted).not.toBe("rgb(255, 255, 255)");
    }
    // More rows, darker blue: the count of 1 is lighter than the count of 9.
    const red = (fill: string | undefined) => Number(/rgb\((\d+)/.exec(fill ?? "")?.[1]);
    expect(red(fills["a/c"])).toBeGreaterThan(red(fills["a/a"]));
  });
});
