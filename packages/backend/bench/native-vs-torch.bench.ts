/**
 * One epoch of the demo CNN and of a wider CNN, side by side: tfjs on native TensorFlow
 * (`@tensorflow/tfjs-node`) with oneDNN on and off, tfjs on wasm with trainkit's gradient
 * kernels, and PyTorch on the CPU with its default threads and with 1 thread. Every path runs in
 * its own child process; the table gives seconds per epoch (min and median over the timed
 * epochs, after a warm-up epoch) and the ratio to PyTorch's better thread setting in this run.
 *
 *   npm run bench:native -w @trainkit/backend
 *   npm run bench:native -w @trainkit/backend -- --models=demo --epochs=3 --rounds=2
 *
 * Options: --models=demo,wide  --epochs=N (timed epochs per child, 5)  --rounds=N (run every
 * path N times, rotating the order, and pool the epochs; 1)  --paths=tf,wasm,torch (subset)
 * --python=EXE (default $PYTHON, else python3).
 *
 * The demo CNN: Conv2D(16) → MaxPool → Conv2D(32) → MaxPool → Flatten → Dense(10); the wide CNN:
 * Conv2D(64) → MaxPool → Conv2D(128) → MaxPool → Flatten → Dense(128, relu) → Dense(10). 3x3
 * convolutions with ReLU, 2x2 pooling, Adam 1e-3, 2048 random 28x28x1 images, batch 64.
 *
 * tfjs loops (see native-vs-torch-child.ts):
 *   fit          model.fit(x, y, { batchSize: 64 }): what a tfjs user writes
 *   logits       batch tensors made once, optimizer.minimize, the model ends in logits and the
 *                loss is tf.losses.softmaxCrossEntropy: public tfjs API only
 *   + trainkit   (tensorflow only) what @trainkit/backend ships for this rung: the faster
 *                kernels initBackend registers (TensorFlow's ReluGrad as the ReLU gradient,
 *                oneDNN's max pooling) and tensorflowAdam (ResourceApplyAdam). Without it:
 *                tfjs-node's own kernels and tf.train.adam.
 *                Their correctness is tested in test/tensorflow-kernels.test.ts and
 *                test/tensorflow-adam.test.ts.
 *   1 thread     (tensorflow, + trainkit) initBackend({ tensorflowThreads: 1 }): TensorFlow's
 *                kernels on the calling thread only (TF_NUM_INTRAOP_THREADS=1); the other rows
 *                run with TensorFlow's default, one intra-op thread per core.
 *
 * PyTorch is not a dependency: `python3 -m pip install torch==2.13.0+cpu` (from an index with the
 * +cpu wheels, e.g. --index-url https://download.pytorch.org/whl/cpu). Without it the PyTorch
 * rows are skipped and no ratio is printed.
 */
import { spawn } from "node:child_process";
import * as os from "node:os";
import { fileURLToPath } from "node:url";

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const MODELS = arg("models", "demo,wide").split(",") as ("demo" | "wide")[];
const EPOCHS = Number(arg("epochs", "5"));
const ROUNDS = Number(arg("rounds", "1"));
const PATHS = arg("paths", "tf,wasm,torch").split(",");
const PYTHON = arg("python", process.env.PYTHON ?? "python3");
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

interface Path {
  /** What the table calls it. */
  label: string;
  loop: string;
  kind: "tf" | "wasm" | "torch";
  command: (model: string) => { file: string; args: string[]; env?: Record<string, string> };
}

function tfjsPath(
  label: string,
  backend: "tensorflow" | "wasm",
  loop: string,
  trainkit: boolean,
  env: Record<string, string> = {},
  tfThreads?: number,
): Path {
  return {
    label,
    loop: trainkit ? `${loop} + trainkit` : loop,
    kind: backend === "wasm" ? "wasm" : "tf",
    command: (model) => ({
      file: process.execPath,
      // The same Node flags as this process: tsx's loader and the @trainkit/source condition.
      args: [
        ...process.execArgv,
        here("./native-vs-torch-child.ts"),
        `--backend=${backend}`,
        `--model=${model}`,
        `--loop=${loop === "logits" ? "minimize-logits" : loop}`,
        `--trainkit=${trainkit ? 1 : 0}`,
        `--epochs=${EPOCHS}`,
        ...(tfThreads === undefined ? [] : [`--tf-threads=${tfThreads}`]),
      ],
      env,
    }),
  };
}

function torchPath(label: string, threads?: number): Path {
  return {
    label,
    loop: "eager loop",
    kind: "torch",
    command: (model) => ({
      file: PYTHON,
      args: [
        here("./pytorch_baseline.py"),
        `--model=${model}`,
        `--epochs=${EPOCHS}`,
        "--json",
        ...(threads === undefined ? [] : [`--threads=${threads}`]),
      ],
    }),
  };
}

const ON = { TF_ENABLE_ONEDNN_OPTS: "1" };
const OFF = { TF_ENABLE_ONEDNN_OPTS: "0" };
const ALL_PATHS: Path[] = [
  tfjsPath("tensorflow, oneDNN on", "tensorflow", "fit", false, ON),
  tfjsPath("tensorflow, oneDNN on", "tensorflow", "fit", true, ON),
  tfjsPath("tensorflow, oneDNN on", "tensorflow", "logits", false, ON),
  tfjsPath("tensorflow, oneDNN on", "tensorflow", "logits", true, ON),
  tfjsPath("tensorflow, oneDNN off", "tensorflow", "fit", false, OFF),
  tfjsPath("tensorflow, oneDNN off", "tensorflow", "fit", true, OFF),
  tfjsPath("tensorflow, oneDNN off", "tensorflow", "logits", false, OFF),
  tfjsPath("tensorflow, oneDNN off", "tensorflow", "logits", true, OFF),
  tfjsPath("tensorflow, oneDNN on, 1 thread", "tensorflow", "fit", true, ON, 1),
  tfjsPath("tensorflow, oneDNN on, 1 thread", "tensorflow", "logits", true, ON, 1),
  tfjsPath("tensorflow, oneDNN off, 1 thread", "tensorflow", "fit", true, OFF, 1),
  tfjsPath("tensorflow, oneDNN off, 1 thread", "tensorflow", "logits", true, OFF, 1),
  tfjsPath("wasm + trainkit kernels", "wasm", "fit", false),
  torchPath("PyTorch, default threads"),
  torchPath("PyTorch, 1 thread", 1),
];

interface Outcome {
  epochs: number[];
  info: string;
  error?: string;
}

function run(file: string, args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      env: { TF_CPP_MIN_LOG_LEVEL: "2", ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", (e) => resolve({ epochs: [], info: "", error: e.message }));
    child.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("RESULT "));
      if (code !== 0 || line === undefined) {
        const tail = (err.trim() || out.trim()).split("\n").slice(-3).join(" / ");
        resolve({ epochs: [], info: "", error: `exit ${code}: ${tail}` });
        return;
      }
      const r = JSON.parse(line.slice(7)) as Record<string, unknown>;
      const info =
        "torch" in r
          ? `torch ${r.torch}, ${r.threads} threads`
          : `loss ${Number(r.loss).toFixed(3)}, ${r.kernelsPerStep} kernels/step, leaked ${r.leakedTensors} tensors${r.tfThreads !== undefined ? `, ${r.tfThreads} TensorFlow threads` : ""}`;
      resolve({ epochs: r.epochs as number[], info });
    });
  });
}

async function torchVersion(): Promise<string | undefined> {
  const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(PYTHON, ["-c", "import torch; print(torch.__version__)"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.on("error", () => resolve({ code: 1, out: "" }));
    child.on("close", (code) => resolve({ code, out }));
  });
  return r.code === 0 ? r.out.trim() : undefined;
}

const median = (a: number[]) => {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

let paths = ALL_PATHS.filter((p) => PATHS.includes(p.kind));
const torch = PATHS.includes("torch") ? await torchVersion() : undefined;
if (PATHS.includes("torch") && torch === undefined) {
  console.log(
    `PyTorch not found for ${PYTHON}: its rows are skipped. Install it with ` +
      "`python3 -m pip install torch==2.13.0+cpu` (or set --python=/path/to/python).",
  );
  paths = paths.filter((p) => p.kind !== "torch");
} else if (torch !== undefined && !torch.startsWith("2.13")) {
  console.log(`Note: PyTorch ${torch}, not the 2.13 the comparison names.`);
}

const load0 = os.loadavg()[0] as number;
const started = new Date();
console.log(
  `${os.cpus().length} CPUs (${os.cpus()[0]?.model}), Node ${process.version}, load average ${load0.toFixed(2)} at start; ${EPOCHS} timed epochs per child after a warm-up epoch, ${ROUNDS} round(s)`,
);

const results = new Map<string, { path: Path; outcome: Outcome }>();
for (const model of MODELS) {
  for (let round = 0; round < ROUNDS; round++) {
    const order = paths.map((_, i) => paths[(i + round) % paths.length] as Path);
    for (const path of order) {
      const { file, args, env } = path.command(model);
      const t0 = performance.now();
      const outcome = await run(file, args, env);
      const key = `${model}|${path.label}|${path.loop}`;
      const seen = results.get(key);
      if (seen === undefined) results.set(key, { path, outcome });
      else {
        seen.outcome.epochs.push(...outcome.epochs);
        seen.outcome.error ??= outcome.error;
      }
      const secs = ((performance.now() - t0) / 1000).toFixed(0);
      const summary = outcome.error
        ? `FAILED ${outcome.error}`
        : `median ${median(outcome.epochs).toFixed(3)} s/epoch (${outcome.info})`;
      console.error(`  [${model}] ${path.label}, ${path.loop}: ${summary} [${secs} s]`);
    }
  }
}

const load1 = os.loadavg()[0] as number;
console.log(
  `\nRun of ${started.toISOString().slice(0, 16).replace("T", " ")}, load average ${load0.toFixed(2)} → ${load1.toFixed(2)}\n`,
);
console.log("| model | path | loop | min s/epoch | median s/epoch | vs PyTorch best (medians) |");
console.log("|---|---|---|--:|--:|--:|");
for (const model of MODELS) {
  const rows = [...results.entries()].filter(([k]) => k.startsWith(`${model}|`));
  const torchMedians = rows
    .filter(([, r]) => r.path.kind === "torch" && r.outcome.epochs.length > 0)
    .map(([, r]) => median(r.outcome.epochs));
  const best = torchMedians.length > 0 ? Math.min(...torchMedians) : undefined;
  for (const [, { path, outcome }] of rows) {
    if (outcome.epochs.length === 0) {
      console.log(
        `| ${model} | ${path.label} | ${path.loop} | failed | ${outcome.error ?? ""} | |`,
      );
      continue;
    }
    const med = median(outcome.epochs);
    const ratio = best === undefined ? "" : `${(med / best).toFixed(2)}×`;
    console.log(
      `| ${model} | ${path.label} | ${path.loop} | ${Math.min(...outcome.epochs).toFixed(3)} | ${med.toFixed(3)} | ${ratio} |`,
    );
  }
  if (best !== undefined) {
    const tf = rows.filter(([, r]) => r.path.kind === "tf" && r.outcome.epochs.length > 0);
    if (tf.length > 0) {
      const [label, r] = tf
        .map(([k, r]) => [k, r] as const)
        .reduce((a, b) => (median(a[1].outcome.epochs) <= median(b[1].outcome.epochs) ? a : b));
      const ratio = median(r.outcome.epochs) / best;
      console.log(
        `${model}: fastest tensorflow row (${label.split("|").slice(1).join(", ")}) ${ratio.toFixed(2)}× PyTorch's best — target ≤ 1.0×: ${ratio <= 1 ? "met" : "not met"}`,
      );
    }
  }
}
