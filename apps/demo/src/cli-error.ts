/** A mistake in how the CLI was called: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A file the CLI was given could not be read or understood: exit code 2, no stack trace. */
export class InputFileError extends Error {
  override readonly name = "InputFileError";
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Training stopped on Ctrl-C (SIGINT) after a checkpoint was written: exit code 130, the
 * message says where the checkpoint is and how to resume.
 */
export class InterruptedError extends Error {
  override readonly name = "InterruptedError";
  constructor(
    readonly checkpoint: string,
    message: string,
  ) {
    super(message);
  }
}
