import {
  getKernel,
  type KernelConfig,
  registerKernel,
  unregisterKernel,
} from "@tensorflow/tfjs-core";
import { avgPoolGradConfig } from "./internal/avg-pool-grad.js";
import { fasterWasmKernels, missingWasmKernels } from "./internal/conv-gradients.js";
import { maxPoolGradConfig } from "./internal/max-pool-grad.js";

const replacements: readonly KernelConfig[] = [
  ...fasterWasmKernels,
  maxPoolGradConfig,
  avgPoolGradConfig,
];

/** Gradient kernels that tfjs-backend-wasm 4.22 lacks and trainkit adds. */
export const WASM_GRADIENT_KERNELS: readonly string[] = missingWasmKernels.map((k) => k.kernelName);

/**
 * wasm's own gradient kernels that trainkit replaces: `Conv2DBackpropInput` (a plain loop, several
 * times slower than XNNPACK's convolution), `MaxPoolGrad` (drops the gradient of windows whose
 * maximum is not positive, and is slow) and `AvgPoolGrad` (divides by the full window size where
 * padding cuts a window, unlike the forward AvgPool).
 */
export const WASM_FASTER_KERNELS: readonly string[] = replacements.map((k) => k.kernelName);

export interface RegisterWasmGradientsResult {
  /** Missing kernels registered by this call. */
  registered: string[];
  /** wasm kernels replaced by faster ones in this call. */
  replaced: string[];
  /** Kernels the wasm backend already had under a trainkit name (a newer tfjs): left alone. */
  alreadyPresent: string[];
}

export interface RegisterWasmGradientsOptions {
  /**
   * Also replace wasm's own `Conv2DBackpropInput` (a plain loop) with one built on XNNPACK's
   * convolution, its `MaxPoolGrad` (wrong for windows whose maximum is not positive) and its
   * `AvgPoolGrad` (wrong where padding cuts a window) with correct single-pass ones. Default
   * true; false keeps wasm's own kernels.
   */
  replace?: boolean;
}

function isOurs(config: KernelConfig): boolean {
  return getKernel(config.kernelName, "wasm")?.kernelFunc === config.kernelFunc;
}

/**
 * Makes the wasm backend (`@tensorflow/tfjs-backend-wasm` 4.22) able to train Conv2D,
 * DepthwiseConv2D and SeparableConv2D layers: registers `Conv2DBackpropFilter`,
 * `DepthwiseConv2dNativeBackpropFilter` and `DepthwiseConv2dNativeBackpropInput`, composed from
 * wasm's own XNNPACK convolutions, and (unless `replace: false`) replaces wasm's slow
 * `Conv2DBackpropInput` and its incorrect `MaxPoolGrad` and `AvgPoolGrad`.
 *
 * Safe to call more than once, before or after the wasm backend is initialised: kernels live in
 * the global registry of the one tfjs-core the caller uses.
 */
export function registerWasmGradients(
  options: RegisterWasmGradientsOptions = {},
): RegisterWasmGradientsResult {
  const result: RegisterWasmGradientsResult = { registered: [], replaced: [], alreadyPresent: [] };
  for (const config of missingWasmKernels) {
    if (isOurs(config)) continue;
    if (getKernel(config.kernelName, "wasm") !== undefined) {
      result.alreadyPresent.push(config.kernelName);
      continue;
    }
    registerKernel(config);
    result.registered.push(config.kernelName);
  }
  if (options.replace ?? true) {
    for (const config of replacements) {
      if (isOurs(config)) continue;
      if (getKernel(config.kernelName, "wasm") !== undefined)
        unregisterKernel(config.kernelName, "wasm");
      registerKernel(config);
      result.replaced.push(config.kernelName);
    }
  }
  return result;
}
