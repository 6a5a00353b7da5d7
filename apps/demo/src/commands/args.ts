import { existsSync } from "node:fs";
import * as path from "node:path";
import { noSafetensorsFile, UsageError, unreadableImage } from "../cli-error.js";
import type { GlobalFlags } from "../context.js";

/** Positional-argument checks, run before the backend starts (and before heavy imports). */

/** For commands that take no positional arguments. */
export function noArgs(command: string) {
  return (flags: GlobalFlags): void => {
    const [first] = flags.args;
    if (first !== undefined) {
      throw new UsageError(
        `unexpected argument '${first}': '${command}' takes no arguments. Run 'trainkit --help'.`,
      );
    }
  };
}

export function checkPortArgs(flags: GlobalFlags): void {
  if (flags.args.length > 1) {
    throw new UsageError(
      `unexpected argument '${flags.args[1]}': 'port' takes one state_dict file. Run 'trainkit --help'.`,
    );
  }
  // A file that is not there is named before the backend starts (reading it is checked later).
  const [file] = flags.args;
  if (file !== undefined && !existsSync(file)) {
    throw noSafetensorsFile("the state_dict", path.resolve(file));
  }
  if (flags.reference !== undefined && !existsSync(flags.reference)) {
    throw noSafetensorsFile("the reference", path.resolve(flags.reference));
  }
}

export const PLATES_SUBCOMMANDS = ["train", "classify", "read"] as const;
export const PLATE_MODEL_KINDS = ["digits", "alphanumerics"] as const;

export function checkPlatesArgs(flags: GlobalFlags): void {
  const [sub, ...rest] = flags.args;
  if (sub === undefined || !(PLATES_SUBCOMMANDS as readonly string[]).includes(sub)) {
    throw new UsageError(
      `${sub === undefined ? "'plates' needs a subcommand" : `unknown plates subcommand '${sub}'`}; use one of: plates train [digits|alphanumerics], plates classify <image...>, plates read <plate-image...>.`,
    );
  }
  if (sub === "train") {
    if (
      rest.length > 1 ||
      (rest[0] !== undefined && !(PLATE_MODEL_KINDS as readonly string[]).includes(rest[0]))
    ) {
      throw new UsageError(
        `'plates train' takes one optional model kind, digits (default) or alphanumerics; got '${rest.join(" ")}'.`,
      );
    }
  } else if (rest.length === 0) {
    throw new UsageError(
      `'plates ${sub}' needs at least one image file, e.g. trainkit plates ${sub} ${sub === "read" ? "plate.png" : "digit.png"}.`,
    );
  } else {
    const missing = rest.find((file) => !existsSync(file));
    if (missing !== undefined) throw unreadableImage(missing, "no such file");
  }
}
