import type { Context, GlobalFlags, Io } from "../context.js";
import { checkSweepArgs, SWEEP_USAGE, sweepNeedsBackend } from "../sweep/args.js";
import { checkPlatesArgs, checkPortArgs, noArgs } from "./args.js";

export interface Command {
  /** Arguments after the command name, for --help. */
  usage: string;
  summary: string;
  /** Checks the positional arguments before the backend starts (throws UsageError). */
  check?: (flags: GlobalFlags) => void;
  /** Loaded on use, so that --help and usage errors answer at once. */
  run: (ctx: Context) => Promise<unknown>;
  /**
   * For invocations that train nothing here (`sweep submit`, `status`...): when `when` says so,
   * `run` is called instead of {@link Command.run}, without starting a backend, and its result is
   * the JSON output as it is.
   */
  withoutBackend?: { when: (flags: GlobalFlags) => boolean; run: (io: Io) => Promise<unknown> };
}

export const COMMANDS = {
  demo: {
    usage: "",
    summary:
      "plate characters end to end: split, warm-up + cosine, checkpoints, exact resume, report",
    check: noArgs("demo"),
    run: async (ctx) => (await import("./demo.js")).runDemo(ctx),
  },
  warmup: {
    usage: "",
    summary:
      "the demo CNN at a high learning rate with and without warm-up (lr, batch, layers, loss)",
    check: noArgs("warmup"),
    run: async (ctx) => (await import("./warmup.js")).runWarmup(ctx),
  },
  batching: {
    usage: "",
    summary: "variable-size images: batch size 1 vs padded vs aspect-ratio-grouped batches",
    check: noArgs("batching"),
    run: async (ctx) => (await import("./batching.js")).runBatching(ctx),
  },
  split: {
    usage: "",
    summary: "test accuracy when X and y are split separately vs together",
    check: noArgs("split"),
    run: async (ctx) => (await import("./split.js")).runSplit(ctx),
  },
  port: {
    usage: "[state_dict.safetensors]",
    summary:
      "PyTorch weights into the tfjs model of the same architecture, checked against PyTorch's output",
    check: checkPortArgs,
    run: async (ctx) => (await import("./port.js")).runPort(ctx),
  },
  plates: {
    usage: "train [digits|alphanumerics] | classify <image...> | read <plate-image...>",
    summary: "the plate-character BP network: train it, classify characters, read whole plates",
    check: checkPlatesArgs,
    run: async (ctx) => (await import("./plates.js")).runPlates(ctx),
  },
  sweep: {
    usage: Object.values(SWEEP_USAGE)
      .map((u) => u.split(" ")[0])
      .join("|"),
    summary:
      "folds x seeds x schedules of the plate network as independent trials on BullMQ workers (Redis), with ASHA and exact resume",
    check: checkSweepArgs,
    run: async (ctx) => (await import("./sweep.js")).runSweepWorker(ctx),
    withoutBackend: {
      when: (flags) => !sweepNeedsBackend(flags),
      run: async (io) => (await import("./sweep.js")).runSweep(io),
    },
  },
} satisfies Record<string, Command>;

export type CommandName = keyof typeof COMMANDS;
