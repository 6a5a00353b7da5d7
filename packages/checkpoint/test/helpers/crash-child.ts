// Child process for the crash-safety test: resumes from the newest valid
// checkpoint in <dir>, then trains and saves after every step until killed.
// Prints "resumed <step>", then "saving <step>" / "saved <step>" around each save.
import { CheckpointManager } from "../../src/tfjs.js";
import { makeData, makeModel, tf, useCpu } from "./tf.js";

const dir = process.argv[2] as string;
await useCpu();
const model = makeModel({ inputs: 128, hidden: 512, outputs: 128 }); // ~132k weights: 0.5 MB, 1.6 MB with Adam
model.compile({ optimizer: tf.train.adam(0.001), loss: "meanSquaredError" });
const manager = new CheckpointManager({
  dir,
  maxToKeep: 2,
  keepEvery: 5,
  monitor: "loss",
  keepBest: 1,
});
const restored = await manager.restore({ model });
let step = restored?.state.step ?? 0;
process.stdout.write(`resumed ${step}\n`);
const d = makeData(4, 128, 128);
const x = tf.tensor2d(d.x, [4, 128]);
const y = tf.tensor2d(d.y, [4, 128]);
for (let i = 0; i < 1000; i++) {
  const loss = (await model.trainOnBatch(x, y)) as number;
  step++;
  process.stdout.write(`saving ${step}\n`);
  await manager.save({ model, step, epoch: step, metrics: { loss } });
  process.stdout.write(`saved ${step}\n`);
}
