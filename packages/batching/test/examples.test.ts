import { describe, expect, it } from "vitest";

describe("examples/quickstart.ts (the README example)", () => {
  it("runs and prints the issue's figures", async () => {
    const logs: unknown[][] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => {
      logs.push(args);
    };
    try {
      const mod = await import("../examples/quickstart.js");
      expect(Number((mod.mixed.waste * 100).toFixed(1))).toBe(28.0);
      expect(Number((mod.same.waste * 100).toFixed(1))).toBe(2.0);
      expect(mod.report.grouped.waste).toBeCloseTo(1 - 1066 / 1088, 12);
      expect(mod.report.random.waste).toBeGreaterThan(mod.report.grouped.waste);
    } finally {
      console.log = original;
    }
    expect(String(logs[0]?.[0])).toBe("mixed: 28.0% padding, grouped: 2.0%");
  });
});
