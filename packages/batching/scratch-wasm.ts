import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "@trainkit/backend";
import { runBatchingDemo } from "./src/tfjs.js";

const args = JSON.parse(process.argv[2] ?? "{}");
if (args.backend === "wasm") console.log(await initBackend({ prefer: "wasm" }));
else await tf.setBackend("cpu");
const r = await runBatchingDemo({ ...args });
console.table(r.runs.map((x) => ({ ...x })));
console.log(r.speedup, r.lossRatio, tf.memory().numTensors);
