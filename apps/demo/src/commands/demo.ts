import * as tf from "@tensorflow/tfjs-core";
import { demoCnn } from "../cnn.js";
import type { Context } from "../context.js";
import { barImages } from "../synthetic.js";
import { accuracy, type EpochLog, fitWithProgress } from "../train.js";

export interface DemoResult {
  command: "demo";
  backend: { name: string; candidate: string; device: string };
  train: number;
  test: number;
  epochs: EpochLog[];
  testAccuracy: number;
  seconds: number;
}

/** Trains the demo CNN on a synthetic image set on the chosen backend and reports accuracy. */
export async function runDemo(ctx: Context): Promise<DemoResult> {
  const { flags, log } = ctx;
  const trainSize = flags.quick ? 512 : 2048;
  const testSize = flags.quick ? 128 : 512;
  const epochs = flags.epochs ?? (flags.quick ? 2 : 3);
  const started = performance.now();

  log();
  log(`Demo CNN on ${trainSize} synthetic 28x28 images (10 classes of bars), batch 64, Adam 1e-3`);
  const train = barImages(trainSize, flags.seed);
  const test = barImages(testSize, flags.seed + 1000);
  const model = demoCnn(1e-3);
  const history = await fitWithProgress(model, train.x, train.y, {
    epochs,
    batchSize: 64,
    out: ctx.out,
  });
  const testAccuracy = accuracy(model, test.x, test.labels);
  tf.dispose([train.x, train.y, test.x, test.y]);
  model.dispose();

  const seconds = (performance.now() - started) / 1000;
  log(
    `test accuracy: ${(testAccuracy * 100).toFixed(1)}% on ${testSize} held-out images (${seconds.toFixed(1)} s)`,
  );
  return {
    command: "demo",
    backend: {
      name: ctx.backend.name,
      candidate: ctx.backend.candidate,
      device: ctx.backend.device,
    },
    train: trainSize,
    test: testSize,
    epochs: history,
    testAccuracy,
    seconds,
  };
}
