/**
 * Where one training step's time goes on the native `tensorflow` backend: tf.profile over
 * STEPS steps of the hand-written loop (prebatched tensors, optimizer.minimize), kernel by
 * kernel, against the wall time of the same steps unprofiled; plus the fixed cost of one
 * dispatched kernel, split into tfjs's engine and the binding's native call.
 *
 *   npx tsx --conditions=@trainkit/source bench/profile-native-step.bench.ts [--model=wide]
 *   TF_ENABLE_ONEDNN_OPTS=0 npx tsx ...   (oneDNN off)
 *   ... --trainkit --loss=logits   (trainkit's faster tensorflow kernels and tensorflowAdam;
 *       loss on logits with tf.losses.softmaxCrossEntropy)
 *
 * kernelTimeMs on this backend is the wall time of the backend's kernel function: the
 * binding's call into TensorFlow (TFE op set-up, attribute marshalling, the kernel itself,
 * the output handle) plus the JS around it. tf.profile also lists the kernels that composite
 * kernels run inside themselves (tfjs-node's Step, fusedMatMul), so its sum can exceed the
 * wall time. The first lines printed are the reliable split: time inside the binding's calls
 * (native: TensorFlow and the N-API crossing), counted by wrapping the binding, against the
 * wall time of the same steps; the rest is JS (tfjs's engine: tape, tracking, scopes; gradient
 * functions; layers; the optimizer).
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { initBackend, tensorflowAdam } from "../src/index.js";
import { type CnnKind, cnn, randomImages } from "./demo-cnn.js";

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const MODEL = arg("model", "demo") as CnnKind;
const STEPS = Number(arg("steps", "16"));
const TRAINKIT = process.argv.includes("--trainkit");
const LOSS = arg("loss", "softmax");
const LOGITS = LOSS === "logits";
const BATCH = 64;

await initBackend({ prefer: "tensorflow-cpu", tensorflowKernels: TRAINKIT });
const net = cnn(MODEL, { logits: LOGITS, compile: false });
const optimizer = TRAINKIT ? tensorflowAdam(1e-3) : tf.train.adam(1e-3);
const variables = net.trainableWeights.map((w) => w.read() as tf.Variable);
const { x, y } = randomImages(BATCH);
const lossOf = (out: tf.Tensor): tf.Scalar =>
  LOGITS
    ? tf.losses.softmaxCrossEntropy(y, out)
    : tf.mean(tfl.metrics.categoricalCrossentropy(y, out));
const step = () =>
  optimizer.minimize(() => lossOf(net.apply(x, { training: true }) as tf.Tensor), false, variables);
for (let i = 0; i < 8; i++) step();

function wallPerStep(): number {
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) step();
  return (performance.now() - t0) / STEPS;
}
const wallMs = Math.min(wallPerStep(), wallPerStep(), wallPerStep());

const t0 = performance.now();
const info = await tf.profile(() => {
  for (let i = 0; i < STEPS; i++) step();
});
const profiledWallMs = (performance.now() - t0) / STEPS;
const byKernel = new Map<string, { ms: number; calls: number }>();
let kernelMs = 0;
for (const k of info.kernels) {
  const ms = Number(await k.kernelTimeMs);
  kernelMs += ms;
  const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
  const entry = byKernel.get(key) ?? { ms: 0, calls: 0 };
  entry.ms += ms / STEPS;
  entry.calls += 1 / STEPS;
  byKernel.set(key, entry);
}
kernelMs /= STEPS;
const kernelsPerStep = info.kernels.length / STEPS;

// Fixed cost of one kernel: a 1-element Add through tfjs (engine + backend), and through the
// binding alone (what the backend's Add kernel calls).
const a = tf.scalar(1);
const b = tf.scalar(2);
const REPS = 20000;
function perOpUs(f: () => void): number {
  f();
  const s = performance.now();
  for (let i = 0; i < REPS; i++) f();
  return ((performance.now() - s) * 1000) / REPS;
}
const tfjsAddUs = Math.min(...[0, 1, 2].map(() => perOpUs(() => tf.tidy(() => tf.add(a, b)))));
// biome-ignore lint/suspicious/noExplicitAny: the binding is tfjs-node's private field
const backend = tf.backend() as any;
let bindingAddUs = Number.NaN;
if (backend.binding?.executeOp) {
  const binding = backend.binding;
  const ids = backend.getInputTensorIds([a, b]);
  const attrs = [{ name: "T", type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT }];
  bindingAddUs = Math.min(
    ...[0, 1, 2].map(() =>
      perOpUs(() => {
        const [out] = binding.executeOp("AddV2", attrs, ids, 1);
        binding.deleteTensor(out.id);
      }),
    ),
  );
}

// Native share: time inside the binding's calls (op execution, tensor handles), by wrapping
// the backend's binding object for STEPS unprofiled steps.
const native = { ms: 0, calls: 0, ops: 0, byOp: new Map<string, { ms: number; calls: number }>() };
if (backend.binding?.executeOp) {
  const original = backend.binding;
  const wrapped = Object.create(original);
  for (const fn of ["executeOp", "createTensor", "deleteTensor", "tensorDataSync"]) {
    const f = original[fn].bind(original);
    const timed = (...args: unknown[]) => {
      const s = performance.now();
      const out = f(...args);
      const ms = performance.now() - s;
      native.ms += ms;
      native.calls++;
      const key = fn === "executeOp" ? (args[0] as string) : `(${fn})`;
      if (fn === "executeOp") native.ops++;
      const e = native.byOp.get(key) ?? { ms: 0, calls: 0 };
      e.ms += ms;
      e.calls++;
      native.byOp.set(key, e);
      return out;
    };
    // The binding's own properties are read-only: shadow them on the wrapper.
    Object.defineProperty(wrapped, fn, { value: timed });
  }
  backend.binding = wrapped;
  const s = performance.now();
  for (let i = 0; i < STEPS; i++) step();
  native.ms /= STEPS;
  const wrappedWallMs = (performance.now() - s) / STEPS;
  backend.binding = original;
  console.log(
    `native (binding calls) per step: ${native.ms.toFixed(2)} ms in ${(native.calls / STEPS).toFixed(0)} calls, ${(native.ops / STEPS).toFixed(0)} of them ops; wall of those steps ${wrappedWallMs.toFixed(2)} ms; JS = ${(wrappedWallMs - native.ms).toFixed(2)} ms`,
  );
  for (const [k, v] of [...native.byOp.entries()].sort((p, q) => q[1].ms - p[1].ms)) {
    console.log(
      `${(v.ms / STEPS).toFixed(2).padStart(10)} ms  x${(v.calls / STEPS).toFixed(0).padStart(3)}  ${k}`,
    );
  }
}

const rows = [...byKernel.entries()].sort((p, q) => q[1].ms - p[1].ms);
const byName = new Map<string, { ms: number; calls: number }>();
for (const [key, v] of rows) {
  const name = key.split(" ")[0] as string;
  const e = byName.get(name) ?? { ms: 0, calls: 0 };
  e.ms += v.ms;
  e.calls += v.calls;
  byName.set(name, e);
}
console.log(
  `${MODEL} CNN, batch ${BATCH}, oneDNN ${process.env.TF_ENABLE_ONEDNN_OPTS === "0" ? "off" : "on"}, ${TRAINKIT ? "trainkit's kernels and tensorflowAdam" : "tfjs-node's own kernels, tf.train.adam"}, loss ${LOGITS ? "on logits" : "as fit"}:`,
);
console.log(`  wall per step (unprofiled, best of 3 x ${STEPS}): ${wallMs.toFixed(2)} ms`);
console.log(`  wall per step under tf.profile: ${profiledWallMs.toFixed(2)} ms`);
console.log(`  kernels per step: ${kernelsPerStep.toFixed(0)}`);
console.log(
  `  sum of kernelTimeMs per step: ${kernelMs.toFixed(2)} ms; outside kernels (unprofiled wall - sum): ${(wallMs - kernelMs).toFixed(2)} ms`,
);
console.log(
  `  one 1-element Add: ${tfjsAddUs.toFixed(1)} us through tfjs, ${bindingAddUs.toFixed(1)} us through the binding alone`,
);
console.log("  by kernel name (ms per step, calls per step):");
for (const [name, v] of [...byName.entries()].sort((p, q) => q[1].ms - p[1].ms)) {
  console.log(`${v.ms.toFixed(2).padStart(10)} ms  x${v.calls.toFixed(0).padStart(3)}  ${name}`);
}
console.log("  top kernels by shape:");
for (const [key, v] of rows.slice(0, 15)) {
  console.log(`${v.ms.toFixed(2).padStart(10)} ms  x${v.calls.toFixed(0).padStart(3)}  ${key}`);
}
