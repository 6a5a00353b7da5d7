import "@tensorflow/tfjs-backend-cpu";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { defineSweep, defineTrainable } from "@trainkit/sweep";
import {
  collectSweep,
  startRedisServer,
  startSweepWorker,
  submitSweep,
  waitForSweep,
} from "@trainkit/sweep/bullmq";

await tf.setBackend("cpu");

// 200 rows of y = 3x − 1 plus a little noise; the sweep cuts them into folds.
const xs = Float32Array.from({ length: 200 }, (_, i) => (i % 20) / 10 - 1);
const ys = xs.map((x, i) => 3 * x - 1 + 0.05 * Math.sin(i * 12.9898));

// One trial: a linear model trained full-batch with Adam, one step per epoch.
const trainable = defineTrainable({
  data: () => ({ size: xs.length }),
  run: async (trial, ctx) => {
    const { train, test } = trial.folds ?? { train: new Int32Array(), test: new Int32Array() };
    const rows = (idx: Int32Array) =>
      [
        tf.tensor2d(
          Array.from(idx, (i) => xs[i] as number),
          [idx.length, 1],
        ),
        tf.tensor2d(
          Array.from(idx, (i) => ys[i] as number),
          [idx.length, 1],
        ),
      ] as const;
    const [xTrain, yTrain] = rows(train);
    const [xTest, yTest] = rows(test);
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({
          units: 1,
          inputShape: [1],
          kernelInitializer: tfl.initializers.glorotUniform({ seed: trial.seed }),
        }),
      ],
    });
    const optimizer = tf.train.adam(trial.config.lr as number);
    const mse = (x: tf.Tensor, y: tf.Tensor) =>
      tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar;
    // Every attempt starts here: from the trial's newest checkpoint when a worker died or was
    // stopped, so the trial goes on exactly where it was.
    const restored = await ctx.checkpoints.restore({ model, optimizer });
    for (let epoch = restored?.state.epoch ?? 0; epoch < trial.budget.epochs; epoch++) {
      if (ctx.signal.aborted) break; // preempted: the last epoch's checkpoint is saved
      tf.tidy(() => {
        optimizer.minimize(() => mse(xTrain, yTrain));
      });
      await ctx.checkpoints.save({ model, optimizer, step: epoch + 1, epoch: epoch + 1 });
      const valLoss = tf.tidy(() => mse(xTest, yTest).dataSync()[0] as number);
      if ((await ctx.report({ epoch: epoch + 1, val_loss: valLoss })) === "stop") break;
    }
    tf.dispose([xTrain, yTrain, xTest, yTest]);
    model.dispose();
    optimizer.dispose();
  },
});

// 3 learning rates × 4 folds = 12 independent trials of up to 27 epochs, ASHA stopping the worst.
const sweep = defineSweep({
  seed: 1,
  space: { lr: { type: "grid", values: [0.003, 0.03, 0.3] } },
  folds: { splitter: "kFold", nSplits: 4, shuffle: true },
  metric: { name: "val_loss", mode: "min" },
  budget: { epochs: 27 },
  scheduler: { type: "asha", gracePeriod: 3, reductionFactor: 3 },
});

// A private redis-server (Debian's `redis-server` package) on a unix socket, and a shared
// checkpoint directory; across machines these are a real Redis and a network file system.
const redis = await startRedisServer();
const checkpointDir = mkdtempSync(join(tmpdir(), "sweep-quickstart-"));
try {
  const { sweepId } = await submitSweep(sweep, { connection: redis.socket, checkpointDir });
  // Two workers here; `trainkit sweep worker --redis <url>` runs one per process or machine.
  const workers = await Promise.all(
    [1, 2].map(() => startSweepWorker({ connection: redis.socket, trainable })),
  );
  await waitForSweep(sweepId, { connection: redis.socket, pollMs: 200 });
  await Promise.all(workers.map((w) => w.close()));

  const { summary } = await collectSweep(sweepId, { connection: redis.socket });
  for (const c of summary.configs) {
    const score = c.mean === null ? "stopped early" : `val_loss ${c.mean.toFixed(4)}`;
    console.log(`lr ${c.config.lr}: ${score} (${c.completed} completed, ${c.stopped} stopped)`);
  }
  const epochs = summary.trials.reduce((sum, t) => sum + t.epochs, 0);
  console.log(`${epochs} epochs trained instead of ${12 * 27}`);
} finally {
  await redis.stop();
  rmSync(checkpointDir, { recursive: true, force: true });
}
