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

/** A safetensors file that is not there (`what`: "the state_dict", "the reference"). */
export function noSafetensorsFile(what: string, file: string): InputFileError {
  return new InputFileError(
    file,
    `cannot read ${what} '${file}': no such file. Give the path of a .safetensors file.`,
  );
}

/** An image file that cannot be read, and why ("no such file", "it is a directory"...). */
export function unreadableImage(file: string, reason: string): InputFileError {
  return new InputFileError(
    file,
    `cannot read image '${file}': ${reason}. Give PNG or JPEG files.`,
  );
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
