import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import {
  cosineAnnealingLR,
  describeSchedule,
  linearLR,
  scheduleFromJSON,
  sequentialLR,
} from "@trainkit/schedulers";
import { LearningRateScheduler } from "@trainkit/schedulers/tfjs";

export async function quickstart() {
  await tf.setBackend("cpu");
  const epochs = 4;
  const stepsPerEpoch = 8; // 256 samples / batch 32
  const totalSteps = epochs * stepsPerEpoch;

  // 5 updates of linear warm-up from 10% of the peak, then cosine to 0 over the rest.
  const schedule = sequentialLR({
    schedulers: [
      linearLR({ lr: 0.01, startFactor: 0.1, totalIters: 5 }),
      cosineAnnealingLR({ lr: 0.01, tMax: totalSteps - 5 }),
    ],
    milestones: [5],
  });
  const preview = describeSchedule(schedule, totalSteps);
  console.log(
    `peak ${preview.peak} at update ${preview.peakStep}, warnings: ${preview.warnings.length}`,
  );

  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 16, activation: "relu", inputShape: [4] }),
      tfl.layers.dense({ units: 1 }),
    ],
  });
  const optimizer = tf.train.adam(); // any tf.train optimizer; sgd and momentum work too
  model.compile({ optimizer, loss: "meanSquaredError" });
  const x = tf.randomNormal([256, 4], 0, 1, "float32", 1);
  const y = tf.sum(x, 1, true);

  const scheduler = new LearningRateScheduler(schedule);
  const history = await model.fit(x, y, {
    epochs,
    batchSize: 32,
    verbose: 0,
    callbacks: [scheduler],
  });
  console.log("lr at the end of each epoch:", history.history.lr);

  // Checkpoint the schedule next to the model; optimizer.iterations says where to resume.
  const saved = JSON.stringify(schedule);
  const restored = scheduleFromJSON(saved);

  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  return { preview, history: history.history, applied: scheduler.applied, restored };
}
