import { ScheduleError } from "./errors.js";
import {
  checkKeys,
  inRange,
  nonNegative,
  nonNegativeInt,
  oneOf,
  positive,
} from "./internal/validate.js";

export interface ReduceLROnPlateauOptions {
  /** Starting learning rate. */
  lr: number;
  /** "min" (loss) or "max" (accuracy). PyTorch default "min". */
  mode?: "min" | "max";
  /** Multiplier on a plateau, in (0, 1). PyTorch default 0.1. */
  factor?: number;
  /** Bad epochs tolerated before reducing (reduces on the `patience + 1`-th). PyTorch default 10. */
  patience?: number;
  /** PyTorch default 1e-4. */
  threshold?: number;
  /** "rel" (relative to the best) or "abs". PyTorch default "rel". */
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a reduction before counting bad epochs again. PyTorch default 0. */
  cooldown?: number;
  /** Floor for the rate. PyTorch default 0. */
  minLr?: number;
  /** Reductions smaller than this are skipped. PyTorch default 1e-8. */
  eps?: number;
}

export type ReduceLROnPlateauConfig = Required<ReduceLROnPlateauOptions>;

export interface ReduceLROnPlateauState {
  lr: number;
  /** Best metric so far (JSON cannot hold Infinity, so "none yet" is `null`). */
  best: number | null;
  numBadEpochs: number;
  cooldownCounter: number;
  lastEpoch: number;
}

export interface ReduceLROnPlateauJSON {
  type: "reduceLROnPlateau";
  config: ReduceLROnPlateauConfig;
  state: ReduceLROnPlateauState;
}

const KEYS = [
  "lr",
  "mode",
  "factor",
  "patience",
  "threshold",
  "thresholdMode",
  "cooldown",
  "minLr",
  "eps",
] as const;

/**
 * PyTorch `ReduceLROnPlateau`, with the same counting: call `step(metric)` once per epoch; it
 * returns the learning rate to use next. Its whole state is JSON (`toJSON` / `fromJSON`).
 */
export class ReduceLROnPlateau {
  readonly config: ReduceLROnPlateauConfig;
  private current: number;
  private best: number;
  private numBadEpochs = 0;
  private cooldownCounter = 0;
  private lastEpoch = 0;

  constructor(options: ReduceLROnPlateauOptions) {
    const fn = "ReduceLROnPlateau" as const;
    checkKeys(fn, options, KEYS);
    this.config = Object.freeze({
      lr: positive(fn, "lr", options.lr),
      mode: oneOf(fn, "mode", options.mode ?? "min", ["min", "max"] as const),
      factor: inRange(fn, "factor", options.factor ?? 0.1, 0, 1, { lo: true, hi: true }),
      patience: nonNegativeInt(fn, "patience", options.patience ?? 10),
      threshold: nonNegative(fn, "threshold", options.threshold ?? 1e-4),
      thresholdMode: oneOf(fn, "thresholdMode", options.thresholdMode ?? "rel", [
        "rel",
        "abs",
      ] as const),
      cooldown: nonNegativeInt(fn, "cooldown", options.cooldown ?? 0),
      minLr: nonNegative(fn, "minLr", options.minLr ?? 0),
      eps: nonNegative(fn, "eps", options.eps ?? 1e-8),
    });
    this.current = this.config.lr;
    this.best = this.config.mode === "min" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  /** The learning rate to use now. */
  get lr(): number {
    return this.current;
  }

  private isBetter(a: number): boolean {
    const { mode, thresholdMode, threshold } = this.config;
    if (mode === "min") {
      return thresholdMode === "rel" ? a < this.best * (1 - threshold) : a < this.best - threshold;
    }
    return thresholdMode === "rel" ? a > this.best * (threshold + 1) : a > this.best + threshold;
  }

  /** Reports one epoch's metric; returns the learning rate for the next epoch. */
  step(metric: number): number {
    if (typeof metric !== "number" || !Number.isFinite(metric)) {
      throw new ScheduleError(
        "INVALID_METRIC",
        `ReduceLROnPlateau.step: metric must be a finite number, got ${String(metric)}. A NaN or infinite loss means training diverged: lower the learning rate or add warm-up.`,
      );
    }
    this.lastEpoch += 1;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.config.patience) {
      const next = Math.max(this.current * this.config.factor, this.config.minLr);
      if (this.current - next > this.config.eps) this.current = next;
      this.cooldownCounter = this.config.cooldown;
      this.numBadEpochs = 0;
    }
    return this.current;
  }

  /** The state after the last `step`. */
  state(): ReduceLROnPlateauState {
    return {
      lr: this.current,
      best: Number.isFinite(this.best) ? this.best : null,
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastEpoch: this.lastEpoch,
    };
  }

  toJSON(): ReduceLROnPlateauJSON {
    return { type: "reduceLROnPlateau", config: { ...this.config }, state: this.state() };
  }

  /** Rebuilds a scheduler from `toJSON()` output, continuing where it stopped. */
  static fromJSON(json: ReduceLROnPlateauJSON): ReduceLROnPlateau {
    if (json?.type !== "reduceLROnPlateau" || typeof json.state !== "object" || !json.state) {
      throw new ScheduleError(
        "INVALID_CONFIG",
        `ReduceLROnPlateau.fromJSON: expected { type: "reduceLROnPlateau", config, state }, got type ${JSON.stringify(json?.type)}.`,
      );
    }
    const p = new ReduceLROnPlateau(json.config);
    const s = json.state;
    const fn = "ReduceLROnPlateau.fromJSON" as const;
    p.current = positive(fn, "state.lr", s.lr);
    p.best =
      s.best === null
        ? p.best
        : (() => {
            if (typeof s.best !== "number" || !Number.isFinite(s.best)) {
              throw new ScheduleError(
                "INVALID_CONFIG",
                `${fn}: state.best must be a finite number or null, got ${String(s.best)}.`,
              );
            }
            return s.best;
          })();
    p.numBadEpochs = nonNegativeInt(fn, "state.numBadEpochs", s.numBadEpochs);
    p.cooldownCounter = nonNegativeInt(fn, "state.cooldownCounter", s.cooldownCounter);
    p.lastEpoch = nonNegativeInt(fn, "state.lastEpoch", s.lastEpoch);
    return p;
  }
}
