import { ScheduleError } from "../errors.js";
import { bool } from "./validate.js";

/** Momentum cycling is not implemented: accept `false` (the default here) and say so for `true`. */
export function noMomentumCycling(fn: string, value: unknown): false {
  const v = bool(fn, "cycleMomentum", value ?? false);
  if (v) {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      `${fn}: cycleMomentum true is not supported (only the learning rate is scheduled); pass cycleMomentum: false or leave it out. Note PyTorch's default is true.`,
    );
  }
  return false;
}
