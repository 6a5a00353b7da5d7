import {
  getKernel,
  type KernelBackend,
  type NamedAttrMap,
  type TensorInfo,
} from "@tensorflow/tfjs-core";

/**
 * Runs other kernels of one backend from inside a kernel, without going through the op layer
 * (no tape, no op-level assertions, no engine bookkeeping), and frees every intermediate result
 * that is not returned.
 */
export class KernelScope {
  private readonly owned: TensorInfo[] = [];

  constructor(
    private readonly backend: KernelBackend,
    private readonly backendName: string,
  ) {}

  run(
    kernelName: string,
    inputs: Record<string, TensorInfo>,
    attrs: NamedAttrMap = {},
  ): TensorInfo {
    const kernel = getKernel(kernelName, this.backendName);
    if (kernel === undefined) {
      throw new Error(
        `trainkit: kernel '${kernelName}' is not registered for backend '${this.backendName}', ` +
          "but a trainkit gradient kernel is built from it. Use the same version (4.22.x) of " +
          "@tensorflow/tfjs-core and the backend package.",
      );
    }
    const out = kernel.kernelFunc({ inputs, attrs, backend: this.backend });
    if (Array.isArray(out)) {
      throw new Error(`trainkit: kernel '${kernelName}' returned several outputs; expected one.`);
    }
    this.owned.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    if (sameShape(x.shape, shape)) return x;
    return this.run("Reshape", { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    if (perm.every((p, i) => p === i)) return x;
    return this.run("Transpose", { x }, { perm });
  }

  /** Pads with zeros where `pads[i]` is positive and crops where it is negative. */
  padOrCrop(x: TensorInfo, pads: Array<[number, number]>): TensorInfo {
    let out = x;
    if (pads.some(([a, b]) => a < 0 || b < 0)) {
      const begin = pads.map(([a]) => Math.max(0, -a));
      const size = x.shape.map((d, i) => {
        const [a, b] = pads[i] as [number, number];
        return d - Math.max(0, -a) - Math.max(0, -b);
      });
      out = this.slice(out, begin, size);
    }
    if (pads.some(([a, b]) => a > 0 || b > 0)) {
      const paddings = pads.map(([a, b]) => [Math.max(0, a), Math.max(0, b)]);
      out = this.run("PadV2", { x: out }, { paddings, constantValue: 0 });
    }
    return out;
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    if (begin.every((b) => b === 0) && sameShape(size, x.shape)) return x;
    return this.run("Slice", { x }, { begin, size });
  }

  /** Keeps `result` alive past `dispose()` and returns it. */
  keep(result: TensorInfo): TensorInfo {
    const index = this.owned.lastIndexOf(result);
    if (index >= 0) this.owned.splice(index, 1);
    return result;
  }

  dispose(): void {
    for (const info of this.owned) this.backend.disposeData(info.dataId);
    this.owned.length = 0;
  }
}

/**
 * Returns `result` from a composite kernel. Results that share their data with an input
 * (a no-op reshape or transpose) are copied so the kernel always hands back fresh data.
 */
export function finish(
  scope: KernelScope,
  result: TensorInfo,
  inputs: TensorInfo[],
  shape: number[],
): TensorInfo {
  let out = result;
  if (inputs.some((input) => input.dataId === out.dataId)) {
    out = scope.run("Identity", { x: out });
  }
  out = scope.reshape(out, shape);
  scope.keep(out);
  scope.dispose();
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
