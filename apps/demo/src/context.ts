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
}

export interface Context {
  flags: GlobalFlags;
  /** Where human-readable text goes: stdout, or stderr when --json owns stdout. */
  out: Output;
  log(line?: string): void;
  backend: BackendChoice;
}

/** Starts the best backend (or the one asked for) and says which runs and why. */
export async function createContext(flags: GlobalFlags): Promise<Context> {
  const out = flags.json ? process.stderr : process.stdout;
  const log = (line = "") => out.write(`${line}\n`);
  const backend = await initBackend({ prefer: flags.backend });
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
