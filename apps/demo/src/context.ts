import { availableParallelism } from "node:os";
import {
  type BackendChoice,
  type BackendRequest,
  describeBackend,
  initBackend,
} from "@trainkit/backend";
import type { Output } from "./progress.js";

export interface GlobalFlags {
  backend: BackendRequest;
  epochs?: number;
  seed: number;
  /** TensorFlow's intra-op threads on the tensorflow rungs (`--tf-threads`). */
  tfThreads?: number;
  out: string;
  quick: boolean;
  json: boolean;
  /** Continue from the latest checkpoint (plates train). */
  resume: boolean;
  /** Positional arguments after the command name. */
  args: string[];
  /** A model file (plates classify/read). */
  model?: string;
  /** A reference input/output file (port). */
  reference?: string;
  /** The sweep queue's Redis: a redis:// URL or a unix socket path (sweep). */
  redis?: string;
  /** The directory every sweep worker keeps checkpoints in (sweep submit/worker/run). */
  checkpoints?: string;
  /** Trials one sweep worker process runs at once (sweep worker/run). */
  concurrency?: number;
  /** Worker processes `sweep run` starts. */
  workers?: number;
}

/** Where a command writes: the flags, and stdout for text unless --json owns it. */
export interface Io {
  flags: GlobalFlags;
  /** Where human-readable text goes: stdout, or stderr when --json owns stdout. */
  out: Output;
  log(line?: string): void;
}

export interface Context extends Io {
  backend: BackendChoice;
}

/** The output side of a context, for commands that start no backend (sweep submit, status...). */
export function createIo(flags: GlobalFlags): Io {
  const out = flags.json ? process.stderr : process.stdout;
  const log = (line = "") => out.write(`${line}\n`);
  return { flags, out, log };
}

/**
 * TensorFlow's thread count for the demos: what `--tf-threads` says, else 1 on machines with 2
 * cores or fewer and TensorFlow's own elsewhere (and whatever TF_NUM_INTRAOP_THREADS says when it
 * is set). Measured on 2 cores: the demos' small models (the plate MLP, the demo CNN) train
 * about 25% faster with 1 thread, because their many small kernels then run without handing work
 * to another thread and the other core stays free for JavaScript (docs/benchmarks.md).
 */
export function demoTensorflowThreads(
  flags: Pick<GlobalFlags, "tfThreads">,
  cores: number = availableParallelism(),
  env: NodeJS.ProcessEnv = process.env,
): number | undefined {
  if (flags.tfThreads !== undefined) return flags.tfThreads;
  if (env.TF_NUM_INTRAOP_THREADS !== undefined && env.TF_NUM_INTRAOP_THREADS.trim() !== "") {
    return undefined;
  }
  return cores <= 2 ? 1 : undefined;
}

/** Starts the best backend (or the one asked for) and says which runs and why. */
export async function createContext(flags: GlobalFlags): Promise<Context> {
  const { out, log } = createIo(flags);
  const tensorflowThreads = demoTensorflowThreads(flags);
  const backend = await initBackend({
    prefer: flags.backend,
    ...(tensorflowThreads !== undefined ? { tensorflowThreads } : {}),
  });
  log(describeBackend(backend));
  const skipped = (name: string) => backend.tried.some((t) => !t.ok && t.name === name);
  if (skipped("tensorflow-cpu") && backend.name !== "tensorflow" && backend.device !== "gpu") {
    log(
      "  for native speed: npm run setup:tensorflow (or npx trainkit-backend setup tensorflow) builds tfjs-node on TensorFlow's pip wheel",
    );
  }
  if (skipped("tensorflow-gpu") && backend.device !== "gpu") {
    log(
      "  for GPU training: npx trainkit-backend setup tensorflow --gpu (needs an NVIDIA driver; CUDA 12 comes as pip wheels)",
    );
  }
  return { flags, out, log, backend };
}
