import { parseArgs } from "node:util";
import { SetupError } from "./errors.js";
import { abandonPendingEntries } from "./setup/cache-dir.js";
import { oneDnnSetting } from "./setup/one-dnn.js";
import { type SetupEvent, setupTensorflow } from "./setup/setup-tensorflow.js";
import { DEFAULT_TENSORFLOW_VERSION } from "./setup/tensorflow-wheel.js";

const USAGE = `Usage: trainkit-backend setup tensorflow [options]

Builds @tensorflow/tfjs-node on the TensorFlow that pip ships (default ${DEFAULT_TENSORFLOW_VERSION}),
so that initBackend() picks the native tensorflow-cpu rung (or tensorflow-gpu with --gpu).

Options:
  --wheel <file|dir>   use this wheel (for --gpu: a folder of wheels) instead of pip download
  --tf-version <v>     TensorFlow version (default ${DEFAULT_TENSORFLOW_VERSION})
  --gpu                build @tensorflow/tfjs-node-gpu on tensorflow[and-cuda] (CUDA 12; untested)
  --python <cmd>       the Python that runs pip (default: $TRAINKIT_PYTHON, else python3)
  --nodedir <dir>      prefix holding include/node (default: the running Node's)
  --cache-dir <dir>    cache folder (default: $TRAINKIT_CACHE_DIR, else ~/.cache/trainkit)
  --project <dir>      where @tensorflow/tfjs-node is installed (default: the working directory)
  --force              rebuild the addon and relink even if everything is in place
  -h, --help           this text

Exit status: 0 set up, 2 a problem with a one-line fix (see the message), 1 anything else.`;

function formatBytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(0)} MB`;
}

function reporter(stream: NodeJS.WriteStream): (event: SetupEvent) => void {
  const tty = stream.isTTY === true;
  let live = false;
  let lastQuarter = -1;
  const endLive = () => {
    if (live) stream.write("\n");
    live = false;
  };
  return (event) => {
    if (event.kind === "step") {
      endLive();
      lastQuarter = -1;
      stream.write(`[${event.index}/${event.total}] ${event.title}\n`);
    } else if (event.kind === "info") {
      endLive();
      stream.write(`      ${event.message}\n`);
    } else if (event.unit === "bytes") {
      const pct = event.total > 0 ? Math.floor((100 * event.done) / event.total) : 100;
      const text = `      ${formatBytes(event.done)} of ${formatBytes(event.total)} (${pct}%)`;
      if (tty) {
        stream.write(`\r${text}`);
        live = true;
      } else if (Math.floor(pct / 25) > lastQuarter) {
        lastQuarter = Math.floor(pct / 25);
        stream.write(`${text}\n`);
      }
    } else if (tty) {
      stream.write(`\r      ${event.done.toFixed(0)} s`);
      live = true;
    }
  };
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    process.stderr.write(`trainkit-backend: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (positionals[0] !== "setup" || positionals[1] !== "tensorflow" || positionals.length > 2) {
    process.stderr.write(
      `trainkit-backend: unknown command '${positionals.join(" ")}'; the command is \`setup tensorflow\`.\n`,
    );
    return 2;
  }
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return; // a second Ctrl-C while cleaning up must not cut the clean-up short
    stopping = true;
    abandonPendingEntries();
    process.stderr.write(
      `\ntrainkit-backend: interrupted (${signal}); nothing half-written was kept.\n`,
    );
    process.exit(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const result = await setupTensorflow({
    ...(values.wheel !== undefined ? { wheel: values.wheel } : {}),
    ...(values["tf-version"] !== undefined ? { tfVersion: values["tf-version"] } : {}),
    ...(values.python !== undefined ? { python: values.python } : {}),
    ...(values.nodedir !== undefined ? { nodedir: values.nodedir } : {}),
    ...(values["cache-dir"] !== undefined ? { cacheDir: values["cache-dir"] } : {}),
    ...(values.project !== undefined ? { projectDir: values.project } : {}),
    gpu: values.gpu === true,
    force: values.force === true,
    onEvent: reporter(process.stderr),
  });
  const oneDnn = oneDnnSetting();
  const rung = result.plan.target.gpu ? "tensorflow-gpu" : "tensorflow-cpu";
  const head = result.alreadySetUp ? "Already set up" : "Set up";
  process.stdout.write(
    `${head}: TensorFlow ${result.tensorflowVersion} under ${result.packageName} ` +
      `(${oneDnn.description}; conv gradients match the cpu backend to ${result.verify.maxRelativeError.toExponential(1)}), ` +
      `${result.seconds.toFixed(1)} s. initBackend() now picks ${rung}.\n`,
  );
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      wheel: { type: "string" },
      "tf-version": { type: "string" },
      gpu: { type: "boolean" },
      python: { type: "string" },
      nodedir: { type: "string" },
      "cache-dir": { type: "string" },
      project: { type: "string" },
      force: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof SetupError) {
      process.stderr.write(`\ntrainkit-backend: ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(
        `\ntrainkit-backend: unexpected failure: ${(error as Error)?.stack ?? String(error)}\n`,
      );
      process.exitCode = 1;
    }
  },
);
