import { access } from "node:fs/promises";
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { type Sweep, SweepError, type Trainable } from "@trainkit/sweep";
import { createPlateTrainable, PLATE_TRAINABLE } from "./plate-trainable.js";

/** The trainables `trainkit sweep` knows by name. */
export const BUILT_IN_TRAINABLES = [PLATE_TRAINABLE] as const;

function isTrainable(value: unknown): value is Trainable {
  return (
    typeof value === "object" && value !== null && typeof (value as Trainable).run === "function"
  );
}

/**
 * A trainable module exports (as `default` or as `trainable`) a trainable (`defineTrainable`), or
 * a function of the sweep that returns one.
 */
async function fromModule(file: string, sweep: Sweep): Promise<Trainable> {
  try {
    await access(file);
  } catch {
    throw new SweepError(
      "INVALID_TRAINABLE",
      `trainable module ${file} does not exist; give a path relative to the definition file, or one of the built-in trainables: ${BUILT_IN_TRAINABLES.join(", ")}.`,
      "trainable",
    );
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const reason = ((error as Error).message ?? String(error)).split("\n")[0] ?? "";
    const hint = /ES Module|require\(\)/.test(reason)
      ? ' (an ES module needs "type": "module" in its package.json, or an .mjs or .mts extension)'
      : "";
    throw new SweepError(
      "INVALID_TRAINABLE",
      `cannot load trainable module ${file}: ${reason}${hint}`,
      "trainable",
    );
  }
  let exported = mod.trainable ?? mod.default;
  if (typeof exported === "function") exported = await (exported as (s: Sweep) => unknown)(sweep);
  if (!isTrainable(exported)) {
    throw new SweepError(
      "INVALID_TRAINABLE",
      `trainable module ${file} exports no trainable: export default defineTrainable({ run(trial, ctx) { ... } }) (or a function of the sweep that returns one).`,
      "trainable",
    );
  }
  return exported;
}

/**
 * The trainable a sweep names: `plate-bp` (also when it names none) or an absolute module path
 * (the CLI makes relative ones absolute when it reads the file). Throws SweepError when the
 * name is unknown or the trainable refuses the sweep.
 */
export async function loadTrainable(name: string | undefined, sweep: Sweep): Promise<Trainable> {
  if (name === undefined || name === PLATE_TRAINABLE) return createPlateTrainable(sweep);
  if (isAbsolute(name)) return fromModule(name, sweep);
  throw new SweepError(
    "INVALID_TRAINABLE",
    `trainable is "${name}", which is neither a built-in trainable (${BUILT_IN_TRAINABLES.join(", ")}) nor a module path (./my-trainable.ts).`,
    "trainable",
  );
}
