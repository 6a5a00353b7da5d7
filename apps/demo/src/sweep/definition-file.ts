import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { type Sweep, SweepError, sweepId, validateSweep } from "@trainkit/sweep";
import { parse, YAMLError } from "yaml";
import { InputFileError } from "../cli-error.js";
import { PLATE_TRAINABLE } from "./plate-trainable.js";
import { loadTrainable } from "./trainables.js";

/** A sweep definition file, read and checked. */
export interface SweepFile {
  file: string;
  /**
   * The definition as submitted: the file's content with a relative `trainable` module path made
   * absolute (so that workers anywhere find it), and `trainable` set to `plate-bp` when absent.
   */
  definition: Record<string, unknown>;
  sweep: Sweep;
  sweepId: string;
}

/** True when `trainable` names a module file rather than a built-in trainable. */
export function isModulePath(trainable: string): boolean {
  return (
    trainable.startsWith(".") ||
    path.isAbsolute(trainable) ||
    trainable.includes("/") ||
    /\.(m?[jt]s|cjs|cts)$/.test(trainable)
  );
}

function fileReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory";
  if (code === "EACCES") return "permission denied";
  return (error as Error).message;
}

/** The first line of a message, without the `:` that introduces a code frame. */
export function oneLine(message: string): string {
  return (message.split("\n")[0] ?? "").replace(/:\s*$/, "");
}

/**
 * Reads a sweep definition (YAML or JSON, both through the `yaml` package), validates it with
 * `validateSweep`, resolves its `trainable` (a relative module path against the file's folder),
 * and checks that the trainable suits it. Every problem is an {@link InputFileError} of one line
 * that names the file and the key.
 */
export async function readSweepFile(file: string): Promise<SweepFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new InputFileError(
      file,
      `cannot read sweep definition '${file}': ${fileReason(error)}. Give a YAML or JSON file.`,
    );
  }
  let content: unknown;
  try {
    content = parse(text);
  } catch (error) {
    if (error instanceof YAMLError) {
      throw new InputFileError(file, `${file}: not valid YAML or JSON: ${oneLine(error.message)}.`);
    }
    throw error;
  }
  if (content === null || typeof content !== "object" || Array.isArray(content)) {
    throw new InputFileError(
      file,
      `${file}: a sweep definition is a mapping with seed, space, metric and budget; got ${content === null ? "an empty file" : Array.isArray(content) ? "a list" : typeof content}.`,
    );
  }
  const definition: Record<string, unknown> = { ...(content as Record<string, unknown>) };
  if (definition.trainable === undefined) definition.trainable = PLATE_TRAINABLE;
  if (typeof definition.trainable === "string" && isModulePath(definition.trainable)) {
    definition.trainable = path.resolve(path.dirname(path.resolve(file)), definition.trainable);
  }
  try {
    const sweep = validateSweep(definition);
    await loadTrainable(sweep.trainable, sweep);
    return { file, definition, sweep, sweepId: sweepId(sweep) };
  } catch (error) {
    if (error instanceof SweepError) {
      throw new InputFileError(file, `${file}: ${oneLine(error.message)}`);
    }
    throw error;
  }
}
