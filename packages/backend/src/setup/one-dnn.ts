/** Whether TensorFlow's oneDNN optimisations are on, as TensorFlow decides it at load. */
export interface OneDnnSetting {
  on: boolean;
  /** Who decided: the user's `TF_ENABLE_ONEDNN_OPTS`, or TensorFlow's default for the CPU. */
  source: "environment" | "default";
  /** e.g. `oneDNN on (TensorFlow's default on x86-64)`. */
  description: string;
}

/**
 * TensorFlow reads `TF_ENABLE_ONEDNN_OPTS` once, when its library loads: `0`/`false` turns
 * oneDNN off, `1`/`true` on; unset, it is on for x86-64 and off elsewhere (TensorFlow 2.9+).
 */
export function oneDnnSetting(
  env: NodeJS.ProcessEnv = process.env,
  arch: string = process.arch,
): OneDnnSetting {
  const raw = env.TF_ENABLE_ONEDNN_OPTS?.trim().toLowerCase();
  if (raw === "0" || raw === "false") {
    return {
      on: false,
      source: "environment",
      description: "oneDNN off (TF_ENABLE_ONEDNN_OPTS=0)",
    };
  }
  if (raw === "1" || raw === "true") {
    return { on: true, source: "environment", description: "oneDNN on (TF_ENABLE_ONEDNN_OPTS=1)" };
  }
  const on = arch === "x64" || arch === "ia32";
  return {
    on,
    source: "default",
    description: on
      ? "oneDNN on (TensorFlow's default on x86-64; TF_ENABLE_ONEDNN_OPTS=0 turns it off)"
      : `oneDNN off (TensorFlow's default on ${arch})`,
  };
}
