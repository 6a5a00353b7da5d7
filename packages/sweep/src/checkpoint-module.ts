import { SweepError } from "./errors.js";

/** `@trainkit/checkpoint/tfjs`, loaded on first use so that nothing imports tfjs before then. */
type CheckpointModule = typeof import("@trainkit/checkpoint/tfjs");
let checkpointModule: Promise<CheckpointModule> | undefined;

export const loadCheckpointModule = (): Promise<CheckpointModule> => {
  checkpointModule ??= import("@trainkit/checkpoint/tfjs").catch((e: unknown) => {
    checkpointModule = undefined;
    throw new SweepError(
      "INVALID_TRAINABLE",
      `ctx.checkpoints needs @trainkit/checkpoint and tfjs: npm install @trainkit/checkpoint @tensorflow/tfjs-core @tensorflow/tfjs-layers (${(e as Error).message})`,
      "checkpoints",
    );
  });
  return checkpointModule;
};
