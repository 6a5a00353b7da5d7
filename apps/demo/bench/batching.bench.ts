/**
 * Images per second of the three ways to train on variable-size images, in one run on one backend:
 * batch size 1, random padded batches, aspect-ratio-grouped padded batches (masked loss), with
 * @trainkit/batching's samplers, padding and masked loss.
 * Target: grouped >= 3x batch size 1, final loss within 5% of batch size 1.
 *
 *   npm run bench -w @trainkit/demo              (wasm through @trainkit/backend)
 *   npm run bench -w @trainkit/demo -- --cpu     (plain JS cpu backend, much slower)
 */
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { describeBackend, initBackend } from "@trainkit/backend";
import { batchingExperiment } from "../src/experiments/batching.js";

const useCpu = process.argv.includes("--cpu");
if (useCpu) {
  await tf.setBackend("cpu");
  console.log("Backend: cpu (plain JS)");
} else {
  console.log(describeBackend(await initBackend({ prefer: "wasm" })));
}

const options = {
  count: 96,
  minSide: 12,
  maxSide: 14,
  batchSize: 16,
  sizeDivisible: 4,
  epochs: 60,
  learningRate: 0.003,
  groupFactor: 3,
  channels: 8,
  seed: 0,
};
console.log(`options: ${JSON.stringify(options)}`);
const result = await batchingExperiment(options);
console.log(`\n${result.images} images x ${result.epochs} epochs on ${tf.getBackend()}\n`);
console.log(
  "| way | batch | steps | images/s | x batch 1 | padding waste | final loss | loss / batch 1 |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const run of result.runs) {
  console.log(
    `| ${run.mode} | ${run.batchSize} | ${run.steps} | ${run.imagesPerSecond.toFixed(1)} | ${(result.speedup[run.mode] ?? 0).toFixed(2)}x | ${(run.paddingWaste * 100).toFixed(1)}% | ${run.finalLoss.toFixed(5)} | ${(result.lossRatio[run.mode] ?? 0).toFixed(3)} |`,
  );
}
const speed = result.speedup["grouped-padded"] ?? 0;
const loss = result.lossRatio["grouped-padded"] ?? 0;
console.log(
  `\ngrouped vs batch size 1: ${speed.toFixed(2)}x images/s (target >= 3x: ${speed >= 3 ? "met" : "NOT met"}), final loss ${((loss - 1) * 100).toFixed(1)}% (target within 5%: ${Math.abs(loss - 1) <= 0.05 ? "met" : "NOT met"})`,
);
console.log(`tensors left: ${tf.memory().numTensors}`);
