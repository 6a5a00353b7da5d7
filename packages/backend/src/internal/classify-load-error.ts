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

const TFJS_NODE_REBUILD =
  "its install script downloads libtensorflow and needs network access (or a mirror in " +
  "TFJS_NODE_CDN_STORAGE)";

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

  if (code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND") {
    if (isTensorflow && /tfjs_binding\.node/.test(message)) {
      return {
        code: "NATIVE_ADDON_MISSING",
        reason:
          `${pkg} is installed but its native addon (tfjs_binding.node) was never built: ` +
          `the libtensorflow download at install time failed; ${TFJS_NODE_REBUILD} ` +
          `(\`npm rebuild ${pkg}\`).`,
      };
    }
    const missing = /Cannot find (?:module|package) '([^']+)'/.exec(message)?.[1];
    if (missing === pkg || missing?.startsWith(`${pkg}/`)) {
      const why = isTensorflow ? `; ${TFJS_NODE_REBUILD}` : "";
      return {
        code: "NOT_INSTALLED",
        reason: `not installed: \`npm i ${pkg}@4.22.0\`${why}.`,
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
        `${pkg} needs CUDA 11.2 and cuDNN 8.1 libraries, and ${lib ?? "one of them"} could not be ` +
        "loaded: install them and put them on LD_LIBRARY_PATH (an NVIDIA driver alone is not enough).",
    };
  }
  if (isTensorflow && /libtensorflow\S*\.so/i.test(message)) {
    return {
      code: "LIBTENSORFLOW_MISSING",
      reason:
        `${pkg} is installed but libtensorflow is missing (${firstLine.trim()}): ` +
        `the download at install time failed; ${TFJS_NODE_REBUILD} (\`npm rebuild ${pkg}\`).`,
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
        `corrupt or was built for another platform or Node version; reinstall it with \`npm rebuild ${pkg}\`.`,
    };
  }
  return {
    code: "INIT_FAILED",
    reason: `${pkg} failed to load: ${firstLine.trim()}`,
  };
}
