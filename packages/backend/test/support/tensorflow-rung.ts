import { fileURLToPath } from "node:url";
import { tensorflowSetupStatus } from "../../src/setup/tensorflow-status.js";

/**
 * `true` when the tests of the native `tensorflow-cpu` rung should run: `@tensorflow/tfjs-node`
 * is installed with a built addon and TensorFlow's libraries, as
 * `trainkit-backend setup tensorflow` leaves it. They skip when it is absent, except where
 * `TRAINKIT_REQUIRE_TENSORFLOW=1` (set by `.ci/run` after the setup succeeded): there a missing
 * rung fails the run instead of skipping silently.
 */
export function shouldRunTensorflowTests(): boolean {
  const status = tensorflowSetupStatus({
    resolveFrom: fileURLToPath(new URL(".", import.meta.url)),
  });
  if (!status.ready && process.env.TRAINKIT_REQUIRE_TENSORFLOW === "1") {
    throw new Error(
      `TRAINKIT_REQUIRE_TENSORFLOW=1 but the tensorflow rung is not ready (${JSON.stringify(status)}): ` +
        "run `npm run setup:tensorflow` first.",
    );
  }
  return status.ready;
}
