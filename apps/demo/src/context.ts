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
  const skippedGpu = backend.tried.some((t) => !t.ok && t.name === "tensorflow-gpu");
  if (skippedGpu && backend.device !== "gpu") {
    log(
      "  for GPU training: npm i @tensorflow/tfjs-node-gpu (needs an NVIDIA driver, CUDA 11.2 and cuDNN 8.1)",
    );
  }
  return { flags, out, log, backend };
}
