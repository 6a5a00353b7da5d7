import type { CandidateInfo } from "../candidates.js";
import type { BackendErrorCode } from "../errors.js";

export interface LoadFailure {
  code: BackendErrorCode;
  /** One sentence: what went wrong and how to fix it. */
  reason: string;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** The command that installs and builds a tensorflow rung on the TensorFlow pip ships. */
export function setupCommand(info: CandidateInfo, force = false): string {
  const gpu = info.device === "gpu" ? " --gpu" : "";
  return `\`npx trainkit-backend setup tensorflow${gpu}${force ? " --force" : ""}\``;
}

/**
 * Turns the error thrown while importing a backend package into a code and one actionable
 * sentence. The messages are those Node and the tfjs-node loader actually produce.
 */
export function classifyLoadError(info: CandidateInfo, error: unknown): LoadFailure {
  const message = messageOf(error);
  const firstLine = message.split("\n")[0] ?? message;
  const pkg = info.packageName;
  const isTensorflow = info.backendName === "tensorflow";
  const code = codeOf(error);

  if (
    isTensorflow &&
    /tfjs_binding\.node/.test(message) &&
    /can ?not be found|Cannot find/i.test(message)
  ) {
    return addonMissing(info);
  }
  if (code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND") {
    const missing = /Cannot find (?:module|package) '([^']+)'/.exec(message)?.[1];
    if (missing === pkg || missing?.startsWith(`${pkg}/`)) {
      return {
        code: "NOT_INSTALLED",
        reason: isTensorflow
          ? `not installed: ${setupCommand(info)} installs it and builds it on the TensorFlow that pip ships ` +
            `(\`npm i ${pkg}\` alone leaves it without its native addon: its install script, which npm may not run, downloads libtensorflow 2.9.1 and fails offline).`
          : `not installed: \`npm i ${pkg}@4.22.0\`.`,
      };
    }
    return {
      code: "INIT_FAILED",
      reason: `${pkg} is installed but a module it needs is missing (${missing ?? firstLine.trim()}): reinstall it.`,
    };
  }
  if (
    isTensorflow &&
    /lib(cudart|cudnn|cublas|cublasLt|cufft|curand|cusolver|cusparse)\S*\.so/i.test(message)
  ) {
    const lib =
      /lib(cudart|cudnn|cublas|cublasLt|cufft|curand|cusolver|cusparse)\S*\.so[.\d]*/i.exec(
        message,
      )?.[0];
    return {
      code: "CUDA_MISSING",
      reason:
        `${pkg} cannot load ${lib ?? "a CUDA library"}: ${setupCommand(info)} brings the CUDA 12 ` +
        "libraries as pip's nvidia-* wheels (tfjs-node-gpu's own libtensorflow 2.9.1 needs CUDA 11.2 " +
        "and cuDNN 8.1 on LD_LIBRARY_PATH instead); an NVIDIA driver alone is not enough.",
    };
  }
  if (isTensorflow && /libtensorflow\S*\.so/i.test(message)) {
    return {
      code: "LIBTENSORFLOW_MISSING",
      reason:
        `${pkg} is installed but libtensorflow is missing (${firstLine.trim()}): ` +
        `${setupCommand(info)} puts TensorFlow's libraries in place (the cache may have been removed).`,
    };
  }
  if (
    /invalid ELF header|wrong ELF class|undefined symbol|NODE_MODULE_VERSION|not a valid Win32|ERR_DLOPEN_FAILED/i.test(
      message,
    ) ||
    code === "ERR_DLOPEN_FAILED"
  ) {
    return {
      code: "NATIVE_ADDON_BROKEN",
      reason:
        `${pkg} is installed but its native addon cannot be loaded (${firstLine.trim()}): it is ` +
        `corrupt or was built for another platform or Node version; rebuild it with ${setupCommand(info, true)}.`,
    };
  }
  return {
    code: "INIT_FAILED",
    reason: `${pkg} failed to load: ${firstLine.trim()}`,
  };
}

/** The addon file is absent: tfjs-node's install-time download (and so its build) failed. */
export function addonMissing(info: CandidateInfo): LoadFailure {
  return {
    code: "NATIVE_ADDON_MISSING",
    reason:
      `${info.packageName} is installed but its native addon (tfjs_binding.node) was never built ` +
      `(its install script, which npm may not run, downloads libtensorflow 2.9.1 and fails offline): ${setupCommand(info)} ` +
      "builds it on the TensorFlow that pip ships.",
  };
}
