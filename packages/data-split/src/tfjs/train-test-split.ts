import { gather, split as splitTensor, type Tensor, tensor1d, tidy } from "@tensorflow/tfjs-core";
import { SplitError } from "../errors.js";
import { gatherRows, type SplitOf, type Splittable, toColumn } from "../internal/columns.js";
import { inconsistentMessage, runSplit, type SplitOptions } from "../internal/run-split.js";
import { jsRows, rowsTensor } from "./gather-indices.js";
import { isTensor } from "./is-tensor.js";

type Input = Tensor | Splittable;
type OutputOf<T> = T extends Tensor<infer R> ? Tensor<R> : SplitOf<T>;

/** `[a0Train, a0Test, …]` for tensors and arrays: tensors come back as tensors of the same dtype. */
export type TensorTrainTestPairs<T extends readonly unknown[]> = T extends readonly [
  infer H,
  ...infer R,
]
  ? [OutputOf<H>, OutputOf<H>, ...TensorTrainTestPairs<R>]
  : T extends readonly []
    ? []
    : OutputOf<T[number]>[];

/** Options as `trainTestSplit`'s; `stratify` may also be a tensor of labels. */
export interface TensorSplitOptions extends Omit<SplitOptions, "stratify"> {
  stratify?: Splittable | Tensor;
}

function rowsOf(v: Input, name: string): number {
  if (isTensor(v)) {
    if (v.shape.length === 0) {
      throw new SplitError(
        "INVALID_INPUT",
        `${name} is a scalar tensor; splitting needs a first (sample) axis.`,
      );
    }
    return v.shape[0] as number;
  }
  return toColumn(v, name).n;
}

function labelsOf(stratify: Splittable | Tensor | undefined): Splittable | undefined {
  if (!isTensor(stratify)) return stratify;
  if (stratify.dtype === "string") return stratify.arraySync() as unknown as Splittable;
  return { data: stratify.dataSync() as Float32Array, shape: stratify.shape };
}

function splitOne(
  v: Input,
  idx: Int32Array,
  first: number,
  firstIsTest: boolean,
  second: number,
): [unknown, unknown] {
  if (isTensor(v)) {
    const column = jsRows(v);
    if (column) {
      const a = rowsTensor(column, idx.subarray(0, first), v.dtype);
      const b = rowsTensor(column, idx.subarray(first, first + second), v.dtype);
      return firstIsTest ? [b, a] : [a, b];
    }
    // One gather of [first | second] rows, then a contiguous split.
    const [a, b] = tidy(() => {
      const g = gather(v, tensor1d(idx.subarray(0, first + second), "int32"), 0);
      return splitTensor(g, [first, second], 0);
    }) as [Tensor, Tensor];
    return firstIsTest ? [b, a] : [a, b];
  }
  const col = toColumn(v, "array");
  const a = gatherRows(col, idx.subarray(0, first));
  const b = gatherRows(col, idx.subarray(first, first + second));
  return firstIsTest ? [b, a] : [a, b];
}

/**
 * `trainTestSplit` for tensors and arrays together: the same rows for every input, tensors gathered
 * on their backend with int32 indices (on the `cpu` backend, with typed arrays). Returns
 * `[a0Train, a0Test, …]`; dispose the tensors when done (`tf.dispose(result)`).
 */
export function trainTestSplit<const T extends readonly Input[]>(
  arrays: T,
  options?: TensorSplitOptions,
): TensorTrainTestPairs<T> {
  if (!Array.isArray(arrays) || arrays.length === 0) {
    throw new SplitError(
      "NO_ARRAYS",
      "At least one array required as input to trainTestSplit, got []. Pass every tensor to split in one list: trainTestSplit([xs, ys], { testSize: 0.25 }).",
    );
  }
  const lengths = arrays.map((a, i) => rowsOf(a, `arrays[${i}]`));
  if (lengths.some((l) => l !== lengths[0])) {
    throw new SplitError("INCONSISTENT_LENGTH", inconsistentMessage(lengths));
  }
  const opts: SplitOptions | undefined = options
    ? ({ ...options, stratify: labelsOf(options.stratify) } as SplitOptions)
    : undefined;
  const run = runSplit("trainTestSplit", lengths[0] as number, opts, [], true);
  const idx = run.indices as Int32Array;
  const testFirst = run.testStart === 0;
  const first = testFirst ? run.nTest : run.nTrain;
  const second = testFirst ? run.nTrain : run.nTest;
  const out: unknown[] = [];
  for (const a of arrays) out.push(...splitOne(a, idx, first, testFirst, second));
  return out as TensorTrainTestPairs<T>;
}
