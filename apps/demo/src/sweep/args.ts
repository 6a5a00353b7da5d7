import { UsageError } from "../cli-error.js";
import type { GlobalFlags } from "../context.js";

/** `trainkit sweep` subcommands and their arguments (checked before anything heavy loads). */
export const SWEEP_USAGE = {
  validate: "validate <file>",
  submit: "submit <file> --redis <url> [--checkpoints <dir>]",
  worker: "worker --redis <url> [--concurrency <n>] [--checkpoints <dir>]",
  status: "status <sweep-id> --redis <url>",
  report: "report <sweep-id> --redis <url> [--out <dir>] [--json]",
  cancel: "cancel <sweep-id> --redis <url>",
  run: "run <file> [--workers <n>] [--redis <url>] [--checkpoints <dir>] [--json]",
} as const;
export type SweepSubcommand = keyof typeof SWEEP_USAGE;

const NEEDS_REDIS: readonly SweepSubcommand[] = ["submit", "worker", "status", "report", "cancel"];

/**
 * A sweep run that could not finish (every worker died, Redis went away for good): one line on
 * stderr, exit code 1.
 */
export class SweepRunError extends Error {
  override readonly name = "SweepRunError";
}

export function checkSweepArgs(flags: GlobalFlags): void {
  const [sub, ...rest] = flags.args;
  const list = Object.values(SWEEP_USAGE)
    .map((u) => `sweep ${u.split(" ")[0]}`)
    .join(", ");
  if (sub === undefined || !Object.hasOwn(SWEEP_USAGE, sub)) {
    throw new UsageError(
      `${sub === undefined ? "'sweep' needs a subcommand" : `unknown sweep subcommand '${sub}'`}; use one of: ${list}. Run 'trainkit --help'.`,
    );
  }
  const name = sub as SweepSubcommand;
  const usage = `trainkit sweep ${SWEEP_USAGE[name]}`;
  const wanted = name === "worker" ? 0 : 1;
  if (rest.length !== wanted) {
    const what =
      wanted === 0
        ? `takes no arguments, got '${rest.join(" ")}'`
        : rest.length === 0
          ? `needs ${name === "validate" || name === "submit" || name === "run" ? "a definition file" : "a sweep id"}`
          : `takes one argument, got '${rest.join(" ")}'`;
    throw new UsageError(`'sweep ${name}' ${what}; usage: ${usage}.`);
  }
  if (NEEDS_REDIS.includes(name) && flags.redis === undefined) {
    throw new UsageError(
      `'sweep ${name}' needs --redis <url> (redis://host:6379 or a unix socket path); usage: ${usage}.`,
    );
  }
  // --workers, --concurrency and --checkpoints given to a subcommand that does not read them are
  // refused with the other commands' flags (FLAG_READERS in cli.ts).
}

/** Whether this `sweep` invocation trains in this process (only `sweep worker` does). */
export function sweepNeedsBackend(flags: GlobalFlags): boolean {
  return flags.args[0] === "worker";
}
