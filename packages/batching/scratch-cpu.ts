import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { runBatchingDemo } from "./src/tfjs.js";

await tf.setBackend("cpu");
const args = JSON.parse(process.argv[2] ?? "{}");
const t = performance.now();
const r = await runBatchingDemo({ ...args });
console.log(
  JSON.stringify(
    r.runs.map((x) => [
      x.mode,
      x.steps,
      x.seconds.toFixed(2),
      x.paddingWaste.toFixed(3),
      x.initialLoss.toFixed(5),
      x.finalLoss.toFixed(5),
    ]),
  ),
);
console.log(r.lossRatio, tf.memory().numTensors, ((performance.now() - t) / 1000).toFixed(1));
