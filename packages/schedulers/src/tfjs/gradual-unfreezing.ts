import { Callback, type LayersModel } from "@tensorflow/tfjs-layers";
import { ScheduleError } from "../errors.js";

type Layer = LayersModel["layers"][number];

/** Layers that hold weights, one group each, top (output side) first. */
export function layerGroupsTopFirst(model: LayersModel): Layer[][] {
  return model.layers
    .filter((l) => l.weights.length > 0)
    .reverse()
    .map((l) => [l]);
}

function compiledTrainable(model: LayersModel): Set<unknown> | undefined {
  const inner = (model as unknown as { model?: unknown }).model ?? model;
  const collected = (inner as { collectedTrainableWeights?: unknown[] }).collectedTrainableWeights;
  return collected ? new Set(collected) : undefined;
}

export interface GradualUnfreezingOptions {
  /** Layer groups, top group first. Default: {@link layerGroupsTopFirst}. */
  groups?: Layer[][];
  /** Number of top groups trainable at an epoch, e.g. `unfreezeSchedule({ numGroups })`. */
  schedule: (epoch: number) => number;
}

/**
 * Gradual unfreezing that keeps the optimizer's state and really trains what it unfreezes.
 *
 * The recipe (tfjs 4.22): compile ONCE with every layer trainable, then only toggle
 * `layer.trainable`, never recompile. tfjs fixes the list of trained weights at compile time
 * and stores Adam/RMSProp slots by position in that list: a frozen weight stays in the list with
 * a null gradient (untouched, its slots kept), so positions never shift. Recompiling with the same
 * optimizer after a change shifts the positions (crash, or silently mixed moments), and a layer
 * that was frozen at compile time is never trained. tfjs prints one "Discrepancy between
 * trainableweights and collected trainable weights" warning per fit while layers are frozen: it
 * is expected with this recipe.
 *
 * Before each epoch the top `schedule(epoch)` groups are made trainable and the rest frozen;
 * `epoch` is fit's absolute epoch, so resuming with `initialEpoch` continues the schedule.
 */
export class GradualUnfreezing extends Callback {
  readonly schedule: (epoch: number) => number;
  private groups: Layer[][] | undefined;
  /** Number of trainable groups at each epoch begun, by epoch. */
  readonly history: { epoch: number; unfrozen: number }[] = [];

  constructor(options: GradualUnfreezingOptions) {
    super();
    if (typeof options?.schedule !== "function") {
      throw new ScheduleError(
        "INVALID_ARGUMENT",
        `GradualUnfreezing: schedule must be a function of the epoch, such as unfreezeSchedule({ numGroups }), got ${String(options?.schedule)}.`,
      );
    }
    this.schedule = options.schedule;
    this.groups = options.groups;
  }

  override async onTrainBegin(): Promise<void> {
    const model = this.model;
    this.groups ??= layerGroupsTopFirst(model);
    const collected = compiledTrainable(model);
    if (!collected) {
      throw new ScheduleError(
        "COMPILED_FROZEN",
        "GradualUnfreezing: the model is not compiled; compile it once with every layer trainable before fit.",
      );
    }
    for (const group of this.groups) {
      for (const layer of group) {
        for (const w of layer.weights) {
          if (!collected.has(w)) {
            throw new ScheduleError(
              "COMPILED_FROZEN",
              `GradualUnfreezing: layer "${layer.name}" was frozen when the model was compiled, so tfjs would never train it (weight ${w.name} is not in the compiled trainable list). Set every layer trainable, compile once, and let GradualUnfreezing freeze them; do not recompile in between.`,
            );
          }
        }
      }
    }
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    const groups = this.groups ?? [];
    const n = this.schedule(epoch);
    groups.forEach((group, i) => {
      for (const layer of group) layer.trainable = i < n;
    });
    this.history.push({ epoch, unfrozen: Math.min(n, groups.length) });
  }
}
