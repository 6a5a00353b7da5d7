/**
 * Ctrl-C during training: the first SIGINT asks the training loop to stop at the next batch
 * boundary and write a checkpoint; a second one exits at once.
 */
export interface Interrupt {
  /** True once SIGINT arrived. */
  readonly requested: boolean;
  /** Stops listening (call when training is over). */
  dispose(): void;
}

export function listenForInterrupt(log: (line: string) => void): Interrupt {
  let requested = false;
  const onSignal = () => {
    if (requested) {
      log("trainkit: second Ctrl-C, exiting without waiting for the checkpoint");
      process.exit(130);
    }
    requested = true;
    log(
      "trainkit: Ctrl-C: stopping after this batch and saving a checkpoint (Ctrl-C again to quit now)",
    );
  };
  process.on("SIGINT", onSignal);
  return {
    get requested() {
      return requested;
    },
    dispose() {
      process.off("SIGINT", onSignal);
    },
  };
}
