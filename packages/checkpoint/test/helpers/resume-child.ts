// Child process for the exact-resume test: trains a small model with Adam on a
// seeded data order, optionally saving at step k or resuming from a checkpoint.
// argv: <totalSteps> [save <k> <path>] | [resume <path>]
// prints one JSON line: { step, weights: hex[] }
import { loadCheckpoint, saveCheckpoint } from "../../src/tfjs.js";
import { makeData, makeModel, SeededRandom, tf, useCpu, weightBytes } from "./tf.js";

const [totalArg, mode, a1, a2] = process.argv.slice(2);
const total = Number(totalArg);
const N = 32;
const BATCH = 8;
const STEPS_PER_EPOCH = N / BATCH;

await useCpu();
const model = makeModel();
model.compile({ optimizer: tf.train.adam(0.02), loss: "meanSquaredError" });
const d = makeData(N, 4, 3);
const x = tf.tensor2d(d.x, [N, 4]);
const y = tf.tensor2d(d.y, [N, 3]);

let step = 0;
// the RNG state at the start of the current epoch; the epoch's order is derived from it
let epochStartState = 2024;
if (mode === "resume") {
  const r = await loadCheckpoint(a1 as string, { model });
  step = r.state.step;
  epochStartState = (r.state.rng as { epochStartState: number }).epochStartState;
}

let order: number[] = [];
let rng = new SeededRandom(epochStartState);
if (step % STEPS_PER_EPOCH !== 0) order = rng.permutation(N); // resume mid-epoch: rebuild this epoch's order
while (step < total) {
  if (step % STEPS_PER_EPOCH === 0) {
    epochStartState = rng.state;
    rng = new SeededRandom(epochStartState);
    order = rng.permutation(N);
  }
  const cursor = (step % STEPS_PER_EPOCH) * BATCH;
  const idx = tf.tensor1d(order.slice(cursor, cursor + BATCH), "int32");
  const xb = tf.gather(x, idx);
  const yb = tf.gather(y, idx);
  await model.trainOnBatch(xb, yb);
  tf.dispose([idx, xb, yb]);
  step++;
  if (mode === "save" && step === Number(a1)) {
    await saveCheckpoint(a2 as string, {
      model,
      step,
      epoch: Math.floor(step / STEPS_PER_EPOCH),
      rng: { epochStartState },
      schedule: { kind: "constant", lr: 0.02 },
    });
    break;
  }
}
process.stdout.write(`${JSON.stringify({ step, weights: await weightBytes(model) })}\n`);
