import { availableParallelism } from "node:os";

/** The variable TensorFlow reads for its intra-op thread count, once, when its library loads. */
export const INTRA_OP_THREADS_VARIABLE = "TF_NUM_INTRAOP_THREADS";

/** How many threads TensorFlow's kernels run on, as TensorFlow decides it at load. */
export interface TensorflowThreadsSetting {
  /** Threads one kernel may use (the calling thread included). */
  threads: number;
  /** Who decided: `initBackend`'s `tensorflowThreads`, the environment, or TensorFlow's default. */
  source: "option" | "environment" | "default";
  /** e.g. `1 intra-op thread (tensorflowThreads: 1)`. */
  description: string;
}

function threadWord(n: number): string {
  return `${n} intra-op thread${n === 1 ? "" : "s"}`;
}

/**
 * The intra-op thread count TensorFlow takes from `TF_NUM_INTRAOP_THREADS` (a whole number above
 * 0; unset, 0 or anything else: its default of one per core).
 */
export function tensorflowThreadsSetting(
  env: NodeJS.ProcessEnv = process.env,
  cores: number = availableParallelism(),
  fromOption = false,
): TensorflowThreadsSetting {
  const raw = env[INTRA_OP_THREADS_VARIABLE]?.trim();
  const n = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : 0;
  if (n >= 1) {
    return fromOption
      ? { threads: n, source: "option", description: `${threadWord(n)} (tensorflowThreads: ${n})` }
      : {
          threads: n,
          source: "environment",
          description: `${threadWord(n)} (${INTRA_OP_THREADS_VARIABLE}=${raw})`,
        };
  }
  return {
    threads: cores,
    source: "default",
    description: `${threadWord(cores)} (TensorFlow's default, one per core; tensorflowThreads sets it)`,
  };
}
