import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { constantLR } from "./constant-lr.js";
import { cosineAnnealingLR } from "./cosine-annealing-lr.js";
import { cosineAnnealingWarmRestarts } from "./cosine-annealing-warm-restarts.js";
import { cyclicLR } from "./cyclic-lr.js";
import { exponentialLR } from "./exponential-lr.js";
import { linearLR } from "./linear-lr.js";
import { multiStepLR } from "./multi-step-lr.js";
import { oneCycleLR } from "./one-cycle-lr.js";
import { polynomialLR } from "./polynomial-lr.js";
import { ReduceLROnPlateau } from "./reduce-lr-on-plateau.js";
import type { Schedule } from "./schedule.js";
import { scheduleFromJSON } from "./schedule-json.js";
import { sequentialLR } from "./sequential-lr.js";
import { stepLR } from "./step-lr.js";

interface GoldenCase {
  scheduler: string;
  lr: number;
  // biome-ignore lint/suspicious/noExplicitAny: fixture arguments vary per scheduler
  args: any;
  lrs: number[];
  metrics?: number[];
}

const golden = JSON.parse(
  readFileSync(new URL("../fixtures/schedulers-torch.json", import.meta.url), "utf8"),
) as { cases: GoldenCase[] };

// biome-ignore lint/suspicious/noExplicitAny: fixture arguments vary per scheduler
function build(name: string, lr: number, args: any): Schedule {
  switch (name) {
    case "StepLR":
      return stepLR({ lr, ...args });
    case "MultiStepLR":
      return multiStepLR({ lr, ...args });
    case "ConstantLR":
      return constantLR({ lr, ...args });
    case "LinearLR":
      return linearLR({ lr, ...args });
    case "ExponentialLR":
      return exponentialLR({ lr, ...args });
    case "PolynomialLR":
      return polynomialLR({ lr, ...args });
    case "CosineAnnealingLR":
      return cosineAnnealingLR({ lr, ...args });
    case "CosineAnnealingWarmRestarts":
      return cosineAnnealingWarmRestarts({ lr, ...args });
    case "OneCycleLR":
      return oneCycleLR(args);
    case "CyclicLR":
      return cyclicLR(args);
    case "SequentialLR":
      return sequentialLR({
        schedulers: args.schedulers.map((c: GoldenCase) => build(c.scheduler, lr, c.args)),
        milestones: args.milestones,
      });
    default:
      throw new Error(`no factory for ${name}`);
  }
}

function expectClose(actual: number[], expected: number[]) {
  expect(actual).toHaveLength(expected.length);
  const worst = actual.reduce((w, a, k) => {
    const e = expected[k] as number;
    const rel = e === 0 ? Math.abs(a) : Math.abs(a - e) / Math.abs(e);
    return Math.max(w, rel);
  }, 0);
  expect(worst).toBeLessThanOrEqual(1e-9);
}

const scheduleCases = golden.cases.filter((c) => c.scheduler !== "ReduceLROnPlateau");
const plateauCases = golden.cases.filter((c) => c.scheduler === "ReduceLROnPlateau");

describe("PyTorch parity (golden sequences from torch.optim.lr_scheduler)", () => {
  it("covers every scheduler in the fixture", () => {
    expect(new Set(golden.cases.map((c) => c.scheduler)).size).toBe(12);
  });

  it.each(scheduleCases.map((c, i) => [`${c.scheduler} #${i} ${c.args.mode ?? ""}`, c] as const))(
    "%s matches every step to rel. error <= 1e-9",
    (_name, c) => {
      const schedule = build(c.scheduler, c.lr, c.args);
      expectClose(
        c.lrs.map((_, k) => schedule(k)),
        c.lrs,
      );
    },
  );

  it.each(scheduleCases.map((c, i) => [`${c.scheduler} #${i}`, c] as const))(
    "%s rebuilt from its JSON config gives the same sequence",
    (_name, c) => {
      const schedule = build(c.scheduler, c.lr, c.args);
      const rebuilt = scheduleFromJSON(JSON.stringify(schedule));
      expect(rebuilt.config).toEqual(schedule.config);
      expectClose(
        c.lrs.map((_, k) => rebuilt(k)),
        c.lrs,
      );
    },
  );

  it.each(plateauCases.map((c, i) => [`${c.args.thresholdMode} #${i}`, c] as const))(
    "ReduceLROnPlateau %s matches every step",
    (_name, c) => {
      const plateau = new ReduceLROnPlateau({ lr: c.lr, ...c.args });
      const metrics = c.metrics as number[];
      expectClose(
        metrics.map((m) => plateau.step(m)),
        c.lrs,
      );
    },
  );

  it.each(plateauCases.map((c, i) => [`${c.args.thresholdMode} #${i}`, c] as const))(
    "ReduceLROnPlateau %s resumed from JSON at every epoch continues identically",
    (_name, c) => {
      const metrics = c.metrics as number[];
      for (const cut of [1, 7, 23, 41]) {
        const first = new ReduceLROnPlateau({ lr: c.lr, ...c.args });
        const out = metrics.slice(0, cut).map((m) => first.step(m));
        const resumed = ReduceLROnPlateau.fromJSON(JSON.parse(JSON.stringify(first)));
        out.push(...metrics.slice(cut).map((m) => resumed.step(m)));
        expectClose(out, c.lrs);
      }
    },
  );
});
