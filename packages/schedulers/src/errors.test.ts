import { describe, expect, it } from "vitest";
import { cosineAnnealingLR } from "./cosine-annealing-lr.js";
import { competence, competenceSampler, curriculumOrder } from "./curriculum.js";
import { cyclicLR } from "./cyclic-lr.js";
import { describeSchedule } from "./describe-schedule.js";
import { ScheduleError, type ScheduleErrorCode } from "./errors.js";
import { exponentialLR } from "./exponential-lr.js";
import { lambdaLR } from "./lambda-lr.js";
import { linearLR } from "./linear-lr.js";
import { multiStepLR } from "./multi-step-lr.js";
import { oneCycleLR } from "./one-cycle-lr.js";
import { linearRamp } from "./ramps.js";
import { ReduceLROnPlateau, type ReduceLROnPlateauJSON } from "./reduce-lr-on-plateau.js";
import { scheduleFromJSON } from "./schedule-json.js";
import { sequentialLR } from "./sequential-lr.js";
import { stepLR } from "./step-lr.js";
import {
  cosineWithMinLrScheduleWithWarmup,
  linearScheduleWithWarmup,
  polynomialDecayScheduleWithWarmup,
  wsdSchedule,
} from "./warmup-recipes.js";

// biome-ignore lint/suspicious/noExplicitAny: deliberately wrong arguments
const anyArgs = (o: unknown): any => o;

const cases: [string, () => unknown, ScheduleErrorCode, RegExp[]][] = [
  [
    "negative stepSize",
    () => stepLR({ lr: 0.1, stepSize: -3 }),
    "INVALID_ARGUMENT",
    [/stepSize/, /-3/, /positive integer/],
  ],
  [
    "non-integer stepSize",
    () => stepLR({ lr: 0.1, stepSize: 2.5 }),
    "INVALID_ARGUMENT",
    [/2\.5/, /integer/],
  ],
  [
    "NaN lr",
    () => exponentialLR({ lr: Number.NaN, gamma: 0.9 }),
    "INVALID_ARGUMENT",
    [/lr/, /NaN/, /> 0/],
  ],
  [
    "snake_case option",
    () => stepLR(anyArgs({ lr: 0.1, step_size: 3 })),
    "UNKNOWN_OPTION",
    [/step_size/, /stepSize/],
  ],
  [
    "milestone 0",
    () => multiStepLR({ lr: 0.1, milestones: [0, 3] }),
    "INVALID_ARGUMENT",
    [/milestones/, /\[0, 3\]/, />= 1/],
  ],
  [
    "linearLR startFactor 0",
    () => linearLR({ lr: 0.1, startFactor: 0 }),
    "INVALID_ARGUMENT",
    [/startFactor/, /got 0/, /\(0, 1\]/],
  ],
  [
    "cosine etaMin above lr",
    () => cosineAnnealingLR({ lr: 0.1, tMax: 5, etaMin: 0.2 }),
    "INVALID_ARGUMENT",
    [/etaMin \(0\.2\)/, /lr \(0\.1\)/],
  ],
  [
    "cosine tMax 0",
    () => cosineAnnealingLR({ lr: 0.1, tMax: 0 }),
    "INVALID_ARGUMENT",
    [/tMax/, /got 0/],
  ],
  [
    "oneCycle totalSteps 0",
    () => oneCycleLR({ maxLr: 0.1, totalSteps: 0 }),
    "INVALID_ARGUMENT",
    [/totalSteps/, /got 0/, /positive integer/],
  ],
  [
    "oneCycle no totalSteps",
    () => oneCycleLR({ maxLr: 0.1 }),
    "INVALID_ARGUMENT",
    [/totalSteps/, /epochs and stepsPerEpoch/],
  ],
  [
    "oneCycle pctStart 1",
    () => oneCycleLR({ maxLr: 0.1, totalSteps: 10, pctStart: 1 }),
    "INVALID_ARGUMENT",
    [/pctStart/, /got 1/, /\(0, 1\)/],
  ],
  [
    "oneCycle pctStart 0",
    () => oneCycleLR({ maxLr: 0.1, totalSteps: 10, pctStart: 0 }),
    "INVALID_ARGUMENT",
    [/pctStart/, /\(0, 1\)/],
  ],
  [
    "oneCycle empty phase",
    () => oneCycleLR({ maxLr: 0.1, totalSteps: 3, pctStart: 0.2 }),
    "INVALID_ARGUMENT",
    [/pctStart 0\.2/, /totalSteps 3/, /raise totalSteps/],
  ],
  [
    "oneCycle unknown strategy",
    () => oneCycleLR(anyArgs({ maxLr: 0.1, totalSteps: 10, annealStrategy: "cosine" })),
    "INVALID_ARGUMENT",
    [/"cosine"/, /"cos", "linear"/],
  ],
  [
    "oneCycle past totalSteps",
    () => oneCycleLR({ maxLr: 0.1, totalSteps: 10 })(10),
    "STEP_PAST_END",
    [/step 10/, /0\.\.9/, /afterEnd: "clamp"/],
  ],
  [
    "oneCycle cycleMomentum",
    () => oneCycleLR({ maxLr: 0.1, totalSteps: 10, cycleMomentum: true }),
    "INVALID_ARGUMENT",
    [/cycleMomentum/, /false/],
  ],
  [
    "cyclic unknown mode",
    () => cyclicLR(anyArgs({ baseLr: 0.01, maxLr: 0.1, mode: "triangle" })),
    "INVALID_ARGUMENT",
    [/"triangle"/, /"exp_range"/],
  ],
  [
    "cyclic max below base",
    () => cyclicLR({ baseLr: 0.1, maxLr: 0.01 }),
    "INVALID_ARGUMENT",
    [/maxLr \(0\.01\)/, /baseLr \(0\.1\)/, /swap/],
  ],
  [
    "negative step",
    () => stepLR({ lr: 0.1, stepSize: 3 })(-1),
    "INVALID_STEP",
    [/got -1/, /non-negative integer/],
  ],
  ["fractional step", () => stepLR({ lr: 0.1, stepSize: 3 })(1.5), "INVALID_STEP", [/got 1\.5/]],
  [
    "sequential milestone count",
    () =>
      sequentialLR({
        schedulers: [stepLR({ lr: 1, stepSize: 1 }), stepLR({ lr: 1, stepSize: 1 })],
        milestones: [],
      }),
    "INVALID_ARGUMENT",
    [/2 schedulers need 1 milestones/, /got 0/],
  ],
  [
    "sequential unsorted milestones",
    () =>
      sequentialLR({
        schedulers: [0, 1, 2].map(() => stepLR({ lr: 1, stepSize: 1 })),
        milestones: [5, 3],
      }),
    "INVALID_ARGUMENT",
    [/strictly increasing/, /\[5, 3\]/],
  ],
  [
    "sequential child not a schedule",
    () => sequentialLR(anyArgs({ schedulers: [{ lr: 1 }], milestones: [] })),
    "INVALID_ARGUMENT",
    [/schedulers\[0\]/, /factory/],
  ],
  [
    "lambda to JSON",
    () => JSON.stringify(lambdaLR({ lr: 1, lambda: (k) => 0.9 ** k })),
    "NOT_SERIALIZABLE",
    [/lambdaLR/, /built-in schedule/],
  ],
  [
    "lambda returns NaN",
    () => lambdaLR({ lr: 1, lambda: () => Number.NaN })(3),
    "INVALID_ARGUMENT",
    [/lambda\(3\) returned NaN/, /finite multiplier/],
  ],
  [
    "fromJSON unknown type",
    () => scheduleFromJSON({ type: "cosineDecay" }),
    "INVALID_CONFIG",
    [/"cosineDecay"/, /cosineAnnealingLR/],
  ],
  [
    "fromJSON bad options",
    () => scheduleFromJSON({ type: "stepLR", lr: 0.1, stepSize: 0 }),
    "INVALID_ARGUMENT",
    [/stepSize/, /got 0/],
  ],
  [
    "HF warm-up longer than run",
    () => linearScheduleWithWarmup({ lr: 1, numWarmupSteps: 20, numTrainingSteps: 10 }),
    "INVALID_ARGUMENT",
    [/numWarmupSteps \(20\)/, /numTrainingSteps \(10\)/],
  ],
  [
    "HF warmupStartFactor 1",
    () =>
      linearScheduleWithWarmup({
        lr: 1,
        numWarmupSteps: 2,
        numTrainingSteps: 10,
        warmupStartFactor: 1,
      }),
    "INVALID_ARGUMENT",
    [/warmupStartFactor/, /\[0, 1\)/],
  ],
  [
    "HF min lr twice",
    () =>
      cosineWithMinLrScheduleWithWarmup({
        lr: 1,
        numWarmupSteps: 1,
        numTrainingSteps: 5,
        minLr: 0.1,
        minLrRate: 0.1,
      }),
    "INVALID_ARGUMENT",
    [/exactly one of minLr/, /minLrRate 0\.1/],
  ],
  [
    "HF lrEnd above lr",
    () =>
      polynomialDecayScheduleWithWarmup({
        lr: 0.1,
        numWarmupSteps: 1,
        numTrainingSteps: 5,
        lrEnd: 0.5,
      }),
    "INVALID_ARGUMENT",
    [/lrEnd/, /0\.5/, /\[0, 0\.1\)/],
  ],
  [
    "WSD without stable phase",
    () => wsdSchedule(anyArgs({ lr: 1, numWarmupSteps: 1, numDecaySteps: 2 })),
    "INVALID_ARGUMENT",
    [/numStableSteps/, /numTrainingSteps/],
  ],
  [
    "WSD unknown decay",
    () =>
      wsdSchedule(
        anyArgs({
          lr: 1,
          numWarmupSteps: 1,
          numStableSteps: 1,
          numDecaySteps: 2,
          decayType: "sqrt",
        }),
      ),
    "INVALID_ARGUMENT",
    [/"sqrt"/, /"1-sqrt"/],
  ],
  [
    "plateau factor 1",
    () => new ReduceLROnPlateau({ lr: 0.1, factor: 1 }),
    "INVALID_ARGUMENT",
    [/factor/, /got 1/, /\(0, 1\)/],
  ],
  [
    "plateau unknown mode",
    () => new ReduceLROnPlateau(anyArgs({ lr: 0.1, mode: "minimize" })),
    "INVALID_ARGUMENT",
    [/"minimize"/, /"min", "max"/],
  ],
  [
    "plateau NaN metric",
    () => new ReduceLROnPlateau({ lr: 0.1 }).step(Number.NaN),
    "INVALID_METRIC",
    [/got NaN/, /diverged/],
  ],
  [
    "plateau fromJSON wrong type",
    () => ReduceLROnPlateau.fromJSON(anyArgs({ type: "stepLR" }) as ReduceLROnPlateauJSON),
    "INVALID_CONFIG",
    [/"stepLR"/, /reduceLROnPlateau/],
  ],
  [
    "describe bad totalSteps",
    () => describeSchedule(stepLR({ lr: 1, stepSize: 2 }), 0),
    "INVALID_ARGUMENT",
    [/totalSteps/, /got 0/],
  ],
  ["ramp steps 0", () => linearRamp({ steps: 0 }), "INVALID_ARGUMENT", [/steps/, /got 0/]],
  [
    "competence c0 0",
    () => competence({ c0: 0, totalSteps: 10 }),
    "INVALID_ARGUMENT",
    [/c0/, /\(0, 1\]/],
  ],
  [
    "difficulty NaN",
    () => curriculumOrder([0.1, Number.NaN]),
    "INVALID_ARGUMENT",
    [/difficulties\[1\] is NaN/, /finite difficulty/],
  ],
  [
    "sampler competence not a function",
    () => competenceSampler(anyArgs({ difficulties: [1], competence: 0.5, batchSize: 2 })),
    "INVALID_ARGUMENT",
    [/competence must be a function/, /0\.5/],
  ],
];

describe("construction and call errors", () => {
  it.each(cases)(
    "%s throws ScheduleError naming the value and the fix",
    (_name, thunk, code, patterns) => {
      let caught: unknown;
      try {
        thunk();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ScheduleError);
      const err = caught as ScheduleError;
      expect(err.code).toBe(code);
      for (const p of patterns) expect(err.message).toMatch(p);
    },
  );

  it("oneCycleLR with afterEnd clamp holds the final rate instead of throwing", () => {
    const s = oneCycleLR({ maxLr: 0.1, totalSteps: 100, afterEnd: "clamp" });
    expect(s(150)).toBe(s(99));
    expect(s(99)).toBeCloseTo(4e-7, 15);
  });
});
