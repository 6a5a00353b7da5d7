import { parseArgs } from "node:util";
import { BackendError, type BackendRequest, DEFAULT_ORDER } from "@trainkit/backend";
import { UsageError } from "./cli-error.js";
import { runDemo } from "./commands/demo.js";
import { createContext, type GlobalFlags } from "./context.js";

const HELP = `trainkit: training demos for TensorFlow.js in Node

Usage: trainkit <command> [flags]

Commands:
  demo        train the demo CNN on the fastest backend that works here

Flags (all commands):
  --backend <name>  auto (default), tensorflow, ${DEFAULT_ORDER.join(", ")}
  --epochs <n>      number of epochs
  --seed <n>        seed for data and shuffling (default 42)
  --out <dir>       where reports and checkpoints go (default ./trainkit-out)
  --quick           a few seconds' worth of training (for tests)
  --json            machine-readable results on stdout (progress goes to stderr)
  --help            this text
`;

const COMMANDS = { demo: runDemo } as const;
type CommandName = keyof typeof COMMANDS;

function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || value.trim() === "") {
    throw new UsageError(`--${flag} is '${value}'; give a whole number, e.g. --${flag} 3.`);
  }
  return n;
}

export function parseCli(argv: string[]): {
  command?: CommandName;
  help: boolean;
  flags: GlobalFlags;
} {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        backend: { type: "string", default: "auto" },
        epochs: { type: "string" },
        seed: { type: "string", default: "42" },
        out: { type: "string", default: "trainkit-out" },
        quick: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run 'trainkit --help' for the flags.`);
  }
  const { values, positionals } = parsed;
  const [name, ...rest] = positionals;
  if (rest.length > 0)
    throw new UsageError(`unexpected argument '${rest[0]}'. Run 'trainkit --help'.`);
  if (name !== undefined && !Object.hasOwn(COMMANDS, name)) {
    throw new UsageError(
      `unknown command '${name}'; the commands are: ${Object.keys(COMMANDS).join(", ")}.`,
    );
  }
  const epochs = positiveInteger("epochs", values.epochs as string | undefined);
  if (epochs === 0) throw new UsageError("--epochs is 0; train for at least 1 epoch.");
  const flags: GlobalFlags = {
    backend: values.backend as BackendRequest,
    seed: positiveInteger("seed", values.seed as string) ?? 42,
    out: values.out as string,
    quick: values.quick as boolean,
    json: values.json as boolean,
    ...(epochs !== undefined ? { epochs } : {}),
  };
  return { help: values.help as boolean, flags, ...(name ? { command: name as CommandName } : {}) };
}

async function main(argv: string[]): Promise<number> {
  const { command, help, flags } = parseCli(argv);
  if (help || command === undefined) {
    process.stdout.write(HELP);
    return help ? 0 : 2;
  }
  const ctx = await createContext(flags);
  const result = await COMMANDS[command](ctx);
  if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof BackendError) {
      process.stderr.write(`trainkit: ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`trainkit: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
