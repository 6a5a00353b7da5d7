import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs-core";
import { BackendError, type BackendRequest, DEFAULT_ORDER } from "@trainkit/backend";
import { InputFileError, InterruptedError, UsageError } from "./cli-error.js";
import { COMMANDS, type Command, type CommandName } from "./commands/index.js";
import { createContext, createIo, type GlobalFlags } from "./context.js";
import { SWEEP_USAGE, SweepRunError } from "./sweep/args.js";

/** The commands that train from the command line: they read --epochs and --seed. */
const TRAINING = ["demo", "warmup", "batching", "split", "plates train"] as const;

/**
 * The flags only some commands read, and which (a command, or a command and its subcommand).
 * Given to any other, a flag would be ignored without a word: a `sweep run --epochs 3` would train
 * the definition's budget all the same.
 */
const FLAG_READERS = {
  epochs: TRAINING,
  seed: TRAINING,
  quick: ["demo", "warmup", "batching", "split", "port", "plates"],
  model: ["plates classify", "plates read"],
  reference: ["port"],
  resume: ["plates train"],
  redis: ["sweep"],
  checkpoints: ["sweep submit", "sweep worker", "sweep run"],
  workers: ["sweep run"],
  concurrency: ["sweep worker", "sweep run"],
} as const;

/** The flags that take a whole number. */
const NUMBER_FLAGS = ["--epochs", "--seed", "--tf-threads", "--concurrency", "--workers"];

/** Where the value of a flag a command does not read comes from instead. */
const INSTEAD: Readonly<Record<string, string>> = {
  "epochs sweep": "a sweep's epochs are the budget in its definition file",
  "seed sweep": "a sweep's seed is in its definition file",
  "quick sweep": "a sweep's size is in its definition file: fewer configs, folds or epochs there",
};

const HELP = `trainkit: training demos for TensorFlow.js in Node

Usage: trainkit <command> [arguments] [flags]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => {
    const left = `${name} ${c.usage}`.trim();
    return left.length < 32
      ? `  ${left.padEnd(32)} ${c.summary}`
      : `  ${left}\n  ${"".padEnd(32)} ${c.summary}`;
  })
  .join("\n")}

Flags (all commands):
  --backend <name>  auto (default), tensorflow, ${DEFAULT_ORDER.join(", ")}
                    (without it, TRAINKIT_BACKEND if set)
  --tf-threads <n>  TensorFlow's threads per kernel on the tensorflow rungs (default: 1 on
                    machines with 2 cores or fewer, where it trains these small models fastest;
                    TensorFlow's own, one per core, elsewhere)
  --out <dir>       where the report and checkpoints go (default ./trainkit-out)
  --quick           a few seconds' worth of training (for tests; not for sweeps, whose size
                    is in their definition)
  --json            machine-readable results on stdout (progress goes to stderr)
  --help            this text

Flags of some commands:
  --epochs <n>      ${TRAINING.join(", ")}: number of epochs (a sweep's budget
                    is in its definition)
  --seed <n>        the same: seed for data, weights and shuffling (default 42; a sweep's seed
                    is in its definition)
  --model <file>    plates classify/read: a model file from 'plates train' (default: the shipped model)
  --reference <file> port: the safetensors file with "input" and "output" (default: <weights>-io.safetensors)
  --resume          plates train: continue from the latest checkpoint in <out>/checkpoints
  --redis <url>     sweep: the queue's Redis (redis://host:6379 or a unix socket path); 'sweep run'
                    starts a redis-server of its own without it
  --checkpoints <dir> sweep submit/worker/run: the directory all workers share for checkpoints
                    (run: default <out>/checkpoints)
  --workers <n>     sweep run: worker processes (default: one per core)
  --concurrency <n> sweep worker/run: trials one worker process runs at once (default 1)

Sweeps (definitions are YAML or JSON; see apps/demo/examples/plate-schedules.sweep.yaml):
${Object.values(SWEEP_USAGE)
  .map((u) => `  trainkit sweep ${u}`)
  .join("\n")}

Ctrl-C during training writes a checkpoint and says where it is.
`;

function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || value.trim() === "") {
    throw new UsageError(`--${flag} is '${value}'; give a whole number, e.g. --${flag} 3.`);
  }
  return n;
}

/** What parseArgs refused, said for this CLI (a negative number, an unknown flag). */
function parseErrorMessage(argv: readonly string[], error: Error & { code?: string }): string {
  const at = argv.findIndex((a, i) => NUMBER_FLAGS.includes(a) && /^-\d/.test(argv[i + 1] ?? ""));
  if (at >= 0) {
    const flag = argv[at] as string;
    return `${flag} is '${argv[at + 1]}'; give a whole number, e.g. ${flag} 3.`;
  }
  const unknown = /^Unknown option '([^']+)'/.exec(error.message)?.[1];
  if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown !== undefined) {
    return `unknown flag '${unknown}'. Run 'trainkit --help' for the flags.`;
  }
  return `${error.message.replace(/\.+$/, "")}. Run 'trainkit --help' for the flags.`;
}

/** Refuses a flag that this command would ignore (see {@link FLAG_READERS}). */
function checkFlagReaders(
  name: string,
  args: readonly string[],
  values: Record<string, string | boolean | (string | boolean)[] | undefined>,
): void {
  const invocation =
    (name === "plates" || name === "sweep") && args[0] ? `${name} ${args[0]}` : name;
  for (const [flag, readers] of Object.entries(FLAG_READERS)) {
    if (values[flag] === undefined || values[flag] === false) continue;
    if (readers.some((r: string) => r === name || r === invocation)) continue;
    const list = readers.map((r) => `'${r}'`);
    const where = list.length > 1 ? `${list.slice(0, -1).join(", ")} and ${list.at(-1)}` : list[0];
    const instead = INSTEAD[`${flag} ${name}`];
    throw new UsageError(
      `--${flag} is for ${where}; '${invocation}' does not read it${instead ? ` (${instead})` : ""}. Leave it out; 'trainkit --help' lists each command's flags.`,
    );
  }
}

export function parseCli(argv: string[]): {
  command?: CommandName;
  help: boolean;
  flags: GlobalFlags;
} {
  // The backend package's variable, as for any program that uses it; --backend wins.
  const fromEnv = process.env.TRAINKIT_BACKEND?.trim() || undefined;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        backend: { type: "string", default: fromEnv ?? "auto" },
        epochs: { type: "string" },
        seed: { type: "string" },
        "tf-threads": { type: "string" },
        out: { type: "string", default: "trainkit-out" },
        quick: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
        model: { type: "string" },
        reference: { type: "string" },
        resume: { type: "boolean", default: false },
        redis: { type: "string" },
        checkpoints: { type: "string" },
        concurrency: { type: "string" },
        workers: { type: "string" },
      },
    });
  } catch (error) {
    throw new UsageError(parseErrorMessage(argv, error as Error));
  }
  const { values, positionals } = parsed;
  const [name, ...args] = positionals;
  if (name !== undefined && !Object.hasOwn(COMMANDS, name)) {
    throw new UsageError(
      `unknown command '${name}'; the commands are: ${Object.keys(COMMANDS).join(", ")}.`,
    );
  }
  const epochs = wholeNumber("epochs", values.epochs as string | undefined);
  if (epochs === 0) throw new UsageError("--epochs is 0; train for at least 1 epoch.");
  const backend = values.backend as string;
  const backends: readonly string[] = ["auto", "tensorflow", ...DEFAULT_ORDER];
  if (!backends.includes(backend)) {
    const valid = backends.map((v) => `'${v}'`).join(", ");
    const given = argv.some((a) => a === "--backend" || a.startsWith("--backend="));
    throw new UsageError(
      `${given ? "--backend" : "TRAINKIT_BACKEND"} is ${JSON.stringify(backend)}, which is not a backend; use one of ${valid}.`,
    );
  }
  const seed = wholeNumber("seed", values.seed as string | undefined) ?? 42;
  if (seed > 0xffffffff) {
    throw new UsageError(`--seed is '${seed}'; give a whole number from 0 to 4294967295.`);
  }
  const tfThreads = wholeNumber("tf-threads", values["tf-threads"] as string | undefined);
  if (tfThreads === 0) {
    throw new UsageError("--tf-threads is 0; give 1 or more threads (or leave it out).");
  }
  const concurrency = wholeNumber("concurrency", values.concurrency as string | undefined);
  if (concurrency === 0) throw new UsageError("--concurrency is 0; give 1 or more trials at once.");
  const workers = wholeNumber("workers", values.workers as string | undefined);
  if (workers === 0) throw new UsageError("--workers is 0; give 1 or more worker processes.");
  for (const flag of ["redis", "checkpoints"] as const) {
    if (values[flag] !== undefined && (values[flag] as string).trim() === "") {
      throw new UsageError(`--${flag} is empty; leave it out or give a value.`);
    }
  }
  const out = values.out as string;
  if (out.trim() === "")
    throw new UsageError("--out is empty; give a directory, e.g. --out runs/a.");
  const flags: GlobalFlags = {
    backend: values.backend as BackendRequest,
    seed,
    out,
    quick: values.quick as boolean,
    json: values.json as boolean,
    resume: values.resume as boolean,
    args,
    ...(epochs !== undefined ? { epochs } : {}),
    ...(tfThreads !== undefined ? { tfThreads } : {}),
    ...(values.model !== undefined ? { model: values.model as string } : {}),
    ...(values.reference !== undefined ? { reference: values.reference as string } : {}),
    ...(values.redis !== undefined ? { redis: values.redis as string } : {}),
    ...(values.checkpoints !== undefined ? { checkpoints: values.checkpoints as string } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(workers !== undefined ? { workers } : {}),
  };
  if (name !== undefined && !values.help) {
    COMMANDS[name as CommandName].check?.(flags);
    checkFlagReaders(name, args, values);
  }
  return { help: values.help as boolean, flags, ...(name ? { command: name as CommandName } : {}) };
}

async function main(argv: string[]): Promise<number> {
  const { command, help, flags } = parseCli(argv);
  if (help || command === undefined) {
    process.stdout.write(HELP);
    return help ? 0 : 2;
  }
  const spec: Command = COMMANDS[command];
  if (spec.withoutBackend?.when(flags)) {
    // Trains nothing here (sweep submit, status...): no backend, and the result printed as it is.
    const result = await spec.withoutBackend.run(createIo(flags));
    if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  }
  const ctx = await createContext(flags);
  const tensorsBefore = tf.memory().numTensors;
  let result: unknown = await COMMANDS[command].run(ctx);
  if (result !== null && typeof result === "object" && !Array.isArray(result)) {
    // Tensors the command made and did not dispose (0 unless something leaks).
    result = { ...result, tensorsLeft: tf.memory().numTensors - tensorsBefore };
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
}

// `npm run demo` and `npm run trainkit -w @trainkit/demo` run in apps/demo; paths on the command
// line (and --out) mean what they mean where the user typed the command.
const invokedFrom = process.env.INIT_CWD;
if (invokedFrom && invokedFrom !== process.cwd()) process.chdir(invokedFrom);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof InterruptedError) {
      process.stderr.write(`trainkit: ${error.message}\n`);
      process.exitCode = 130;
    } else if (error instanceof SweepRunError) {
      process.stderr.write(`trainkit: ${error.message}\n`);
      process.exitCode = 1;
    } else if (
      error instanceof UsageError ||
      error instanceof BackendError ||
      error instanceof InputFileError
    ) {
      process.stderr.write(`trainkit: ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`trainkit: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
