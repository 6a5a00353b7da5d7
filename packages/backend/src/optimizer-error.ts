/** Why an optimizer of this package refused an argument or a step. Each message names the fix. */
export type OptimizerErrorCode =
  /** a bad learning rate, beta or epsilon (also a `learningRate` written later), or malformed `setWeights` input */
  | "INVALID_ARGUMENT"
  /** the optimizer keeps its state in TensorFlow, and the active tfjs backend is not (or no longer) `tensorflow` */
  | "WRONG_BACKEND"
  /** a variable it cannot update: unknown name, not float32, or a gradient or slot of another shape */
  | "INVALID_VARIABLE"
  /** used after `dispose()` */
  | "DISPOSED";

export class OptimizerError extends Error {
  override readonly name = "OptimizerError";
  readonly code: OptimizerErrorCode;

  constructor(code: OptimizerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
