import {
  type backend_util,
  engine,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import { poolInfoOf } from "./pool-info.js";
import { keepWorkspace, keptWorkspace } from "./pooling-workspaces.js";
import {
  asTensorflowBackend,
  floatType,
  type MarkedKernelConfig,
  type NativeTensor,
  nonEmpty,
  type OpAttr,
  single,
  type TensorflowBackendLike,
  type TensorflowBinding,
  TRAINKIT_KERNEL,
} from "./tensorflow-binding.js";
import { tensorflowKernelCounts as counts } from "./tensorflow-kernel-counts.js";

/**
 * oneDNN's max pooling inside TensorFlow's library. These are TensorFlow-internal ops (the
 * leading underscore): libtensorflow registers their CPU kernels under the label
 * `MklNameChangeOp`, which an eager op selects with the attribute `_kernel`. They run whether
 * TF_ENABLE_ONEDNN_OPTS is on or off.
 */
const POOL_OP = "_MklNativeMaxPool";
const POOL_GRAD_OP = "_MklNativeMaxPoolGrad";
const KERNEL_LABEL = "MklNameChangeOp";

/** Why oneDNN's pooling is not used, once it failed (or its probe did): tfjs-node's from then on. */
let unavailable: string | undefined;
/** Set once the probe passed (it runs once per process). */
let probed = false;

export function oneDnnPoolingUnavailable(): string | undefined {
  return unavailable;
}

/** TensorFlow's message without the binding's status line. */
function tensorflowMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const message = /Message: ([^\n]*)/.exec(text)?.[1] ?? text.split("\n")[0] ?? text;
  return message.length > 200 ? `${message.slice(0, 200)}...` : message;
}

function markUnavailable(op: string, error: unknown): void {
  unavailable ??= `TensorFlow's ${op} failed (${tensorflowMessage(error)}), so tfjs-node's own max pooling is used`;
}

interface Pooling {
  attrs: OpAttr[];
  /** window, strides, padding and input shape: what a kept workspace must match */
  key: string;
  outShape: number[];
}

function poolingAttrs(
  binding: TensorflowBinding,
  ksize: number[],
  strides: number[],
  padding: "VALID" | "SAME",
): OpAttr[] {
  return [
    floatType(binding),
    { name: "ksize", type: binding.TF_ATTR_INT, value: ksize },
    { name: "strides", type: binding.TF_ATTR_INT, value: strides },
    { name: "padding", type: binding.TF_ATTR_STRING, value: padding },
    { name: "data_format", type: binding.TF_ATTR_STRING, value: "NHWC" },
    { name: "workspace_enabled", type: binding.TF_ATTR_BOOL, value: true },
    { name: "_kernel", type: binding.TF_ATTR_STRING, value: KERNEL_LABEL },
  ];
}

/**
 * The oneDNN pooling for a MaxPool or MaxPoolGrad call, or undefined where tfjs-node's kernel
 * runs: anything but a non-empty float32 NHWC input with 'valid' or 'same' padding (explicit
 * numbers other than 0 and rounding modes are tfjs-node's, which refuses them).
 */
function pooling(
  binding: TensorflowBinding,
  input: TensorInfo,
  attrs: NamedAttrMap,
): Pooling | undefined {
  if (input.dtype !== "float32" || input.shape.length !== 4 || !nonEmpty(input.shape)) {
    return undefined;
  }
  let info: backend_util.Conv2DInfo;
  try {
    info = poolInfoOf(input.shape, attrs);
  } catch {
    return undefined; // tfjs-node's kernel gives the error
  }
  const padding = info.padInfo.type;
  if (padding !== "VALID" && padding !== "SAME") return undefined;
  if (info.dataFormat !== "channelsLast" || !nonEmpty(info.outShape)) return undefined;
  const ksize = [1, info.filterHeight, info.filterWidth, 1];
  const strides = [1, info.strideHeight, info.strideWidth, 1];
  return {
    attrs: poolingAttrs(binding, ksize, strides, padding),
    key: `${ksize}|${strides}|${padding}|${input.shape}`,
    outShape: info.outShape,
  };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Runs oneDNN's pooling and its gradient on a 2x2 input, the first time it is called. Their
 * absence (another TensorFlow build) or a wrong result makes them unavailable for the process.
 * Returns why, or undefined.
 */
export function probeOneDnnPooling(backend: TensorflowBackendLike): string | undefined {
  if (unavailable !== undefined || probed) return unavailable;
  const b = backend.binding;
  const attrs = poolingAttrs(b, [1, 2, 2, 1], [1, 2, 2, 1], "VALID");
  const ids: number[] = [];
  try {
    const x = b.createTensor([1, 2, 2, 1], b.TF_FLOAT, new Float32Array([1, 4, 3, 2]));
    ids.push(x);
    const dy = b.createTensor([1, 1, 1, 1], b.TF_FLOAT, new Float32Array([5]));
    ids.push(dy);
    let op = POOL_OP;
    try {
      const outputs = b.executeOp(POOL_OP, attrs, [x], 2);
      ids.push(...outputs.map((o) => o.id));
      const [y, workspace] = outputs as [NativeTensor, NativeTensor];
      op = POOL_GRAD_OP;
      const dx = single(b.executeOp(POOL_GRAD_OP, attrs, [x, y.id, dy, workspace.id], 1), op);
      ids.push(dx.id);
      const pooled = Array.from(b.tensorDataSync(y.id));
      const gradient = Array.from(b.tensorDataSync(dx.id));
      if (pooled.join() !== "4" || gradient.join() !== "0,5,0,0") {
        unavailable =
          `oneDNN's max pooling gave [${pooled}] and gradient [${gradient}] on a probe where ` +
          "[4] and [0,5,0,0] are right, so tfjs-node's own max pooling is used";
      }
    } catch (error) {
      unavailable = `this TensorFlow library cannot run ${op} (${tensorflowMessage(error)}), so tfjs-node's own max pooling is used`;
    }
  } finally {
    for (const id of ids) b.deleteTensor(id);
  }
  probed = unavailable === undefined;
  return unavailable;
}

/**
 * tfjs-node's MaxPool, run as oneDNN's pooling where it applies. While a gradient is being
 * recorded, oneDNN's workspace (the position of each window's maximum) is kept beside the output
 * until the output's data is released, so that the gradient need not pool again.
 */
export function oneDnnMaxPoolConfig(original: KernelConfig): MarkedKernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const tensorflow = asTensorflowBackend(args.backend);
    const x = (args.inputs as { x?: TensorInfo }).x;
    const p =
      tensorflow !== undefined && unavailable === undefined && x !== undefined
        ? pooling(tensorflow.binding, x, args.attrs ?? {})
        : undefined;
    if (tensorflow === undefined || x === undefined || p === undefined) {
      counts.maxPoolFallback++;
      return original.kernelFunc(args);
    }
    const b = tensorflow.binding;
    let outputs: NativeTensor[];
    try {
      outputs = b.executeOp(POOL_OP, p.attrs, tensorflow.getInputTensorIds([x]), 2);
    } catch (error) {
      markUnavailable(POOL_OP, error);
      counts.maxPoolFallback++;
      return original.kernelFunc(args);
    }
    const [y, workspace] = outputs as [NativeTensor, NativeTensor];
    const out = tensorflow.createOutputTensor(y);
    if (engine().state.gradientDepth > 0) {
      keepWorkspace(tensorflow, out.dataId, { id: workspace.id, key: p.key, input: x.dataId });
    } else {
      b.deleteTensor(workspace.id);
    }
    counts.maxPool++;
    return out;
  };
  return { ...original, kernelFunc, [TRAINKIT_KERNEL]: true };
}

/**
 * tfjs-node's MaxPoolGrad, run as oneDNN's pooling gradient where it applies, with the workspace
 * the forward kept, or one computed for the call (oneDNN's gradient needs one; without it, it
 * crashes the process). Each gradient goes to the first maximum of its window, as in TensorFlow's
 * own kernel: the same result where windows do not overlap; where they do, the parts that land on
 * one input element are added in another order (rounding, about 1e-6).
 */
export function oneDnnMaxPoolGradConfig(original: KernelConfig): MarkedKernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const tensorflow = asTensorflowBackend(args.backend);
    const { dy, input, output } = args.inputs as Record<string, TensorInfo | undefined>;
    const p =
      tensorflow !== undefined &&
      unavailable === undefined &&
      dy?.dtype === "float32" &&
      output?.dtype === "float32" &&
      input !== undefined
        ? pooling(tensorflow.binding, input, args.attrs ?? {})
        : undefined;
    if (
      tensorflow === undefined ||
      dy === undefined ||
      input === undefined ||
      output === undefined ||
      p === undefined ||
      !sameShape(dy.shape, p.outShape) ||
      !sameShape(output.shape, p.outShape)
    ) {
      counts.maxPoolGradFallback++;
      return original.kernelFunc(args);
    }
    const b = tensorflow.binding;
    const [x, y, gradient] = tensorflow.getInputTensorIds([input, output, dy]) as [
      number,
      number,
      number,
    ];
    let workspace = keptWorkspace(output.dataId, p.key, input.dataId);
    const kept = workspace !== undefined;
    let temporary: number | undefined;
    let op = POOL_OP;
    try {
      if (workspace === undefined) {
        const [pooled, computed] = b.executeOp(POOL_OP, p.attrs, [x], 2) as [
          NativeTensor,
          NativeTensor,
        ];
        b.deleteTensor(pooled.id);
        temporary = computed.id;
        workspace = computed.id;
      }
      op = POOL_GRAD_OP;
      const dx = single(b.executeOp(POOL_GRAD_OP, p.attrs, [x, y, gradient, workspace], 1), op);
      if (kept) counts.maxPoolGradKept++;
      else counts.maxPoolGradRecomputed++;
      return tensorflow.createOutputTensor(dx);
    } catch (error) {
      markUnavailable(op, error);
      counts.maxPoolGradFallback++;
      return original.kernelFunc(args);
    } finally {
      if (temporary !== undefined) b.deleteTensor(temporary);
    }
  };
  return { ...original, kernelFunc, [TRAINKIT_KERNEL]: true };
}
