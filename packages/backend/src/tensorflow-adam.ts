import { randomUUID } from "node:crypto";
import * as tf from "@tensorflow/tfjs-core";
import { OptimizerError } from "./errors.js";

/**
 * Adam for the native `tensorflow` backend: each step is one TensorFlow `ResourceApplyAdam` op per
 * variable (its moments live in TensorFlow resource variables), where `tf.train.adam` runs about
 * 14 tfjs ops per variable and uploads six scalars for each. The update is tfjs's: see
 * {@link TensorflowAdamOptimizer} for how the op's arguments are chosen so that it computes what
 * `tf.train.adam` computes.
 */

type NamedTensor = Awaited<ReturnType<tf.Optimizer["getWeights"]>>[number];

/** The parts of tfjs-node's backend (its NodeJSKernelBackend) used here; not a public tfjs API. */
interface NativeTensorMetadata {
  id: number;
  shape: number[];
  dtype: number;
}
interface NativeAttr {
  name: string;
  type: number;
  value: unknown;
}
interface NativeBinding {
  TF_FLOAT: number;
  TF_ATTR_TYPE: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_STRING: number;
  TF_ATTR_SHAPE: number;
  createTensor(shape: number[], dtype: number, values: Float32Array): number;
  deleteTensor(id: number): void;
  executeOp(
    name: string,
    attrs: NativeAttr[],
    inputIds: number[],
    numOutputs: number,
  ): NativeTensorMetadata[];
}
interface NativeBackend {
  binding: NativeBinding;
  getInputTensorIds(tensors: tf.TensorInfo[]): number[];
  createOutputTensor(metadata: NativeTensorMetadata): tf.Tensor;
}

/** The active backend when it is tfjs-node's `tensorflow` backend, else undefined. */
function activeNativeBackend(): NativeBackend | undefined {
  if (tf.getBackend() !== "tensorflow") return undefined;
  const backend = tf.backend() as unknown as Partial<NativeBackend>;
  return typeof backend.binding?.executeOp === "function" &&
    typeof backend.getInputTensorIds === "function" &&
    typeof backend.createOutputTensor === "function"
    ? (backend as NativeBackend)
    : undefined;
}

const show = (value: unknown) =>
  typeof value === "number" ? String(value) : `${typeof value} ${JSON.stringify(value)}`;

/** Rejects what would make Adam's update meaningless; tfjs itself checks none of these. */
function checkArguments(learningRate: unknown, beta1: unknown, beta2: unknown, epsilon: unknown) {
  const fail = (message: string) => {
    throw new OptimizerError("INVALID_ARGUMENT", `tensorflowAdam: ${message}`);
  };
  if (typeof learningRate !== "number" || !Number.isFinite(learningRate) || learningRate < 0) {
    fail(`learningRate must be a finite number >= 0, got ${show(learningRate)}.`);
  }
  for (const [name, beta] of [
    ["beta1", beta1],
    ["beta2", beta2],
  ] as const) {
    if (typeof beta !== "number" || !(beta >= 0 && beta < 1)) {
      fail(`${name} must be a number in [0, 1), got ${show(beta)}.`);
    } else if (Math.fround(beta) === 1) {
      fail(
        `${name} = ${beta} is 1 in float32, where the moments are kept: its bias correction would divide by 0. Use at most ${Math.fround(1 - 2 ** -24)}.`,
      );
    }
  }
  if (
    epsilon !== undefined &&
    epsilon !== null &&
    (typeof epsilon !== "number" || !Number.isFinite(epsilon) || epsilon < 0)
  ) {
    fail(
      `epsilon must be a finite number >= 0 (or left out for the backend's, 1e-7), got ${show(epsilon)}.`,
    );
  }
}

/**
 * A drop-in for `tf.train.adam(learningRate, beta1, beta2, epsilon)`. On the `tensorflow` backend
 * (tfjs-node) it returns a {@link TensorflowAdamOptimizer}, which runs each step as one native
 * TensorFlow op per variable; on any other backend, or before tfjs-node is the active backend, it
 * returns `tf.train.adam(...)` itself. Either way: `model.compile({ optimizer })`, `minimize`,
 * `getWeights`/`setWeights` in tfjs's Adam layout (so `@trainkit/checkpoint` saves and resumes it,
 * also across the two), `learningRate` writable between steps, `dispose()`.
 *
 * Throws an `OptimizerError` (`INVALID_ARGUMENT`) for a learning rate that is negative or not
 * finite, a beta outside [0, 1) (or 1 in float32), or a negative epsilon.
 */
export function tensorflowAdam(
  learningRate = 0.001,
  beta1 = 0.9,
  beta2 = 0.999,
  epsilon?: number,
): tf.Optimizer {
  checkArguments(learningRate, beta1, beta2, epsilon);
  // tf.train.adam makes the best registered backend active if none is yet; so does this.
  tf.backend();
  if (activeNativeBackend() === undefined)
    return tf.train.adam(learningRate, beta1, beta2, epsilon);
  return new TensorflowAdamOptimizer(learningRate, beta1, beta2, epsilon);
}

/** One of Adam's moments of one variable: a TensorFlow resource variable. */
interface Moment {
  /** the name getWeights() gives it: `<variable>/m` or `/v`, or the name setWeights() received */
  name: string;
  handle: number;
  shape: number[];
  /** the tfjs variable getWeights() last returned for it (a copy taken at that call) */
  exported: tf.Variable | undefined;
}

/** A tfjs variable this optimizer updates, mirrored in a TensorFlow resource variable. */
interface VariableResource {
  handle: number;
  /** the tfjs variable's data as this optimizer last wrote or read it, to notice other writes */
  dataId: object;
}

/** A tfjs variable with the running power of a beta, made when asked for (see accBeta1). */
interface PowerVariable {
  variable: tf.Variable;
  dataId: object;
  value: number;
}

const DTYPE = "dtype";

/**
 * Adam as TensorFlow's `ResourceApplyAdam`, computing what tfjs's `AdamOptimizer` computes. Made by
 * {@link tensorflowAdam} on the `tensorflow` backend; construct it directly only there.
 *
 * The update. tfjs computes, in float32, with `b1 = fround(beta1)`, `c1 = fround(1 - beta1)` (the
 * difference taken in float64, then rounded), the same for beta2, and `A1 = b1^t`, `A2 = b2^t`
 * kept as running float32 products:
 *
 *     m ← b1·m + c1·g,   v ← b2·v + c2·g²,   w ← w − lr · (m / (1−A1)) / (sqrt(v / (1−A2)) + eps)
 *
 * TensorFlow's op computes `m ← m + (g − m)(1 − b1)`, the same for v, and
 * `w ← w − lr' · sqrt(1 − A2)/(1 − A1) · m / (sqrt(v) + eps')`. Its moments are tfjs's divided by
 * `k1 = c1 / (1 − b1)` and `k2 = c2 / (1 − b2)` (tfjs's two weights of an average do not add up
 * to 1 in float32: for beta2 = 0.999, k2 = 1 + 1.3e-5), so passing `lr' = lr · k1 / sqrt(k2)`,
 * `eps' = eps · sqrt((1 − A2) / k2)` and tfjs's own A1, A2 gives tfjs's update exactly in real
 * arithmetic; in float32 the two differ by rounding only (a few units in the last place per step).
 *
 * State. The moments, and a copy of each variable it updates, live in TensorFlow resource
 * variables; after each op the variable's new value is read back into the tfjs variable (no
 * copy). Moments are kept by position in the list of gradients, as tfjs's Adam keeps them, and
 * named `<variable>/m` and `<variable>/v`. A variable written by anything else (`assign`,
 * `model.setWeights`, a checkpoint load) is noticed and taken over at the next step.
 */
export class TensorflowAdamOptimizer extends tf.Optimizer {
  /** "Adam", as tfjs's AdamOptimizer: the state and config are Adam's, and checkpoints say so. */
  static get className(): string {
    return "Adam";
  }

  /**
   * tfjs makes `instanceof` any optimizer class true of every optimizer (it checks for
   * `minimize`, `computeGradients` and `applyGradients`); this class checks its own prototype
   * chain, so `opt instanceof TensorflowAdamOptimizer` says whether the native path is in use.
   */
  static override [Symbol.hasInstance](instance: unknown): boolean {
    return Function.prototype[Symbol.hasInstance].call(TensorflowAdamOptimizer, instance);
  }

  /**
   * The rate of the next update: read at every step, so it may be written between steps (this is
   * what `@trainkit/schedulers`' `setLearningRate` does with tfjs's Adam). Must stay a finite
   * number >= 0; the next step throws an `OptimizerError` otherwise.
   */
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  private readonly backend: NativeBackend;
  private readonly resourcePrefix = `trainkit_adam_${randomUUID()}_`;
  private resourceCount = 0;
  private firstMoments: Moment[] = [];
  private secondMoments: Moment[] = [];
  private readonly variables = new Map<string, VariableResource>();
  /** Scalars uploaded to TensorFlow, by role, kept while their float32 value stays the same. */
  private readonly scalars = new Map<string, { value: number; id: number }>();
  /** beta1^t and beta2^t for the next step, as tfjs accumulates them (float32 products). */
  private powers: [number, number];
  private readonly powerVariables: [PowerVariable | undefined, PowerVariable | undefined] = [
    undefined,
    undefined,
  ];
  /** tfjs's weights of a new gradient in the moments over TensorFlow's (see the class comment). */
  private readonly k1: number;
  private readonly k2: number;
  private disposed = false;

  constructor(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number) {
    super();
    checkArguments(learningRate, beta1, beta2, epsilon);
    const backend = activeNativeBackend();
    if (backend === undefined) {
      throw new OptimizerError(
        "WRONG_BACKEND",
        `TensorflowAdamOptimizer runs on the tensorflow backend (@tensorflow/tfjs-node), but the active backend is ${JSON.stringify(tf.getBackend())}. Use tensorflowAdam(), which returns tf.train.adam on other backends, or make tensorflow active first (initBackend({ prefer: "tensorflow" })).`,
      );
    }
    this.backend = backend;
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon ?? tf.backend().epsilon();
    this.k1 = Math.fround(1 - beta1) / (1 - Math.fround(beta1));
    this.k2 = Math.fround(1 - beta2) / (1 - Math.fround(beta2));
    this.powers = [Math.fround(beta1), Math.fround(beta2)];
  }

  /**
   * beta1^t for the next step, as a scalar tfjs variable: tfjs's AdamOptimizer keeps it under this
   * name, and `@trainkit/checkpoint` saves and restores it there. The value lives in this
   * optimizer; the variable is made (or refreshed) when read, and a value assigned to it is taken
   * over at the next step. Disposed with the optimizer.
   */
  get accBeta1(): tf.Variable {
    return this.powerVariable(0);
  }

  /** beta2^t for the next step; see {@link accBeta1}. */
  get accBeta2(): tf.Variable {
    return this.powerVariable(1);
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const backend = this.usableBackend();
    const entries: [string, tf.Tensor | null | undefined][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.keys(variableGradients).map((name) => [name, variableGradients[name]]);
    const registered = tf.engine().registeredVariables;
    // Check everything before changing anything.
    const steps = entries.map(([name, gradient], i) => {
      const value = registered[name];
      if (value === undefined) {
        throw new OptimizerError(
          "INVALID_VARIABLE",
          `tensorflowAdam: no variable named ${JSON.stringify(name)} is registered (disposed?); gradients must be keyed by the names of live tf.Variables, as optimizer.minimize and model.fit pass them.`,
        );
      }
      if (value.dtype !== "float32") {
        throw new OptimizerError(
          "INVALID_VARIABLE",
          `tensorflowAdam: variable ${JSON.stringify(name)} is ${value.dtype}; Adam updates float32 variables only.`,
        );
      }
      const moment = this.firstMoments[i];
      if (moment !== undefined && !sameShape(moment.shape, value.shape)) {
        throw new OptimizerError(
          "INVALID_VARIABLE",
          `tensorflowAdam: variable ${JSON.stringify(name)} has shape [${value.shape}], but the moments kept at its position (${i}) are ${JSON.stringify(moment.name)}, shape [${moment.shape}]. Adam keeps its moments by position, as tf.train.adam does: pass the same variables in the same order at every step (or restore matching state with setWeights).`,
        );
      }
      if (
        gradient != null &&
        (gradient.dtype !== "float32" || !sameShape(gradient.shape, value.shape))
      ) {
        throw new OptimizerError(
          "INVALID_VARIABLE",
          `tensorflowAdam: the gradient of ${JSON.stringify(name)} is ${gradient.dtype} [${gradient.shape}], but the variable is float32 [${value.shape}].`,
        );
      }
      return { name, value, gradient };
    });
    const learningRate = this.learningRate;
    if (typeof learningRate !== "number" || !Number.isFinite(learningRate) || learningRate < 0) {
      throw new OptimizerError(
        "INVALID_ARGUMENT",
        `tensorflowAdam: learningRate must be a finite number >= 0, got ${show(learningRate)}; it was set after the optimizer was made (by a schedule?).`,
      );
    }
    this.pullPowers();

    const b = backend.binding;
    for (const [i, { name, value }] of steps.entries()) {
      // Made for every position, with or without a gradient, as tfjs's Adam makes them.
      if (this.firstMoments[i] === undefined) {
        const [valueId] = backend.getInputTensorIds([value]) as [number];
        const zeros = this.zerosLike(valueId);
        try {
          this.firstMoments[i] = this.moment(`${name}/m`, value.shape, zeros);
          this.secondMoments[i] = this.moment(`${name}/v`, value.shape, zeros);
        } finally {
          b.deleteTensor(zeros);
        }
      }
    }

    if (steps.some((s) => s.gradient != null)) {
      const [beta1Power, beta2Power] = this.powers;
      const inputs = [
        this.scalar("beta1Power", beta1Power),
        this.scalar("beta2Power", beta2Power),
        this.scalar("lr", (learningRate * this.k1) / Math.sqrt(this.k2)),
        this.scalar("beta1", this.beta1),
        this.scalar("beta2", this.beta2),
        this.scalar("epsilon", this.epsilon * Math.sqrt(Math.fround(1 - beta2Power) / this.k2)),
      ];
      const attrs = [
        { name: "T", type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
        { name: "use_locking", type: b.TF_ATTR_BOOL, value: false },
        { name: "use_nesterov", type: b.TF_ATTR_BOOL, value: false },
      ];
      for (const [i, { name, value, gradient }] of steps.entries()) {
        if (gradient == null) continue;
        const variable = this.variableResource(name, value);
        const m = this.firstMoments[i] as Moment;
        const v = this.secondMoments[i] as Moment;
        const [gradientId] = backend.getInputTensorIds([gradient]);
        b.executeOp(
          "ResourceApplyAdam",
          attrs,
          [variable.handle, m.handle, v.handle, ...inputs, gradientId as number],
          0,
        );
        // The new value, read back without a copy (TensorFlow copies the buffer before the next
        // update while this tensor shares it).
        const next = this.read(variable.handle);
        value.assign(next);
        next.dispose();
        variable.dataId = value.dataId;
      }
    }

    this.powers = [
      Math.fround(this.powers[0] * Math.fround(this.beta1)),
      Math.fround(this.powers[1] * Math.fround(this.beta2)),
    ];
    this.incrementIterations();
  }

  /**
   * tfjs's Adam layout: `[{ name: "iter", tensor: int32 scalar }, ...every first moment
   * ("<variable>/m"), ...every second moment ("<variable>/v")]`. The iteration scalar is new (the
   * caller disposes it); the moments are tfjs variables the optimizer owns and disposes, as
   * tf.train.adam's are, holding the values at this call (refreshed by the next call, not by
   * later steps).
   */
  override async getWeights(): Promise<NamedTensor[]> {
    this.usableBackend();
    const iterations = await this.saveIterations();
    const exported = (moment: Moment): NamedTensor => {
      const read = this.read(moment.handle);
      if (moment.exported !== undefined && !moment.exported.isDisposed) {
        moment.exported.assign(read);
      } else {
        moment.exported = tf.variable(read, false);
      }
      read.dispose();
      return { name: moment.name, tensor: moment.exported };
    };
    return [iterations, ...this.firstMoments.map(exported), ...this.secondMoments.map(exported)];
  }

  /**
   * Restores state in tfjs's Adam layout (see {@link getWeights}), also as tf.train.adam wrote it:
   * the iteration count, then n first moments, then n second moments, by position. The tensors are
   * taken over without a copy; the caller may dispose them. beta1^t and beta2^t become what a run
   * of that many steps accumulates (tf.train.adam recomputes them with `pow`; `@trainkit/checkpoint`
   * restores the saved ones after this call either way).
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const backend = this.usableBackend();
    const fail = (message: string): never => {
      throw new OptimizerError("INVALID_ARGUMENT", `tensorflowAdam.setWeights: ${message}`);
    };
    if (!Array.isArray(weightValues) || weightValues.length === 0) {
      fail("expected [iterations, ...first moments, ...second moments], got nothing.");
    }
    const [iterations, ...moments] = weightValues;
    if (iterations?.tensor?.size !== 1) {
      fail(
        `the first entry must be the iteration count (a scalar, "iter"), got ${JSON.stringify(iterations?.name)}.`,
      );
    }
    if (moments.length % 2 !== 0) {
      fail(
        `expected as many second moments as first moments after the iteration count, got ${moments.length} tensors.`,
      );
    }
    const n = moments.length / 2;
    for (const [i, { name, tensor }] of moments.entries()) {
      const partner = moments[i < n ? i + n : i - n] as NamedTensor;
      if (tensor.dtype !== "float32" || !sameShape(tensor.shape, partner.tensor.shape)) {
        fail(
          `${JSON.stringify(name)} is ${tensor.dtype} [${tensor.shape}] but must be float32 and shaped as ${JSON.stringify(partner.name)} [${partner.tensor.shape}].`,
        );
      }
    }
    await this.extractIterations(weightValues);
    const count = this.iterations;
    if (!Number.isInteger(count) || count < 0) {
      fail(`the iteration count must be an integer >= 0, got ${count}.`);
    }
    const ids = backend.getInputTensorIds(moments.map((m) => m.tensor));
    const made: Moment[] = [];
    try {
      for (const [i, m] of moments.entries()) {
        made.push(this.moment(m.name, m.tensor.shape, ids[i] as number));
      }
    } catch (error) {
      for (const moment of made) this.destroy(moment.handle);
      throw error;
    }
    this.freeMoments();
    this.firstMoments = made.slice(0, n);
    this.secondMoments = made.slice(n);
    this.powers = [this.powerAt(this.beta1, count), this.powerAt(this.beta2, count)];
  }

  /** `{ learningRate, beta1, beta2, epsilon }`, as tfjs's AdamOptimizer. */
  getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config.learningRate, config.beta1, config.beta2, config.epsilon);
  }

  /**
   * Frees everything: the TensorFlow resource variables (moments and variable copies), the
   * scalars kept in TensorFlow, and the tfjs variables it handed out (moments from getWeights,
   * accBeta1/accBeta2). The trained tfjs variables stay. Safe to call twice.
   */
  override dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const b = this.backend.binding;
    this.freeMoments();
    for (const variable of this.variables.values()) this.destroy(variable.handle);
    this.variables.clear();
    for (const scalar of this.scalars.values()) b.deleteTensor(scalar.id);
    this.scalars.clear();
    for (const power of this.powerVariables) {
      if (power !== undefined && !power.variable.isDisposed) power.variable.dispose();
    }
    this.powerVariables[0] = undefined;
    this.powerVariables[1] = undefined;
    super.dispose();
  }

  private usableBackend(): NativeBackend {
    if (this.disposed) {
      throw new OptimizerError(
        "DISPOSED",
        "tensorflowAdam: this optimizer was disposed; make a new one (its state is gone, unless you saved it with getWeights or a checkpoint).",
      );
    }
    if (activeNativeBackend() !== this.backend) {
      throw new OptimizerError(
        "WRONG_BACKEND",
        `tensorflowAdam: this optimizer keeps its state in TensorFlow and was made on the tensorflow backend, but the active backend is now ${JSON.stringify(tf.getBackend())}. Make the optimizer after choosing the backend (tensorflowAdam() returns tf.train.adam on other backends); to carry the state over, save it with getWeights() before switching and setWeights() it into the new optimizer.`,
      );
    }
    return this.backend;
  }

  private op(name: string, attrs: NativeAttr[], inputs: number[], outputs: number) {
    return this.backend.binding.executeOp(name, attrs, inputs, outputs);
  }

  private dtypeAttr(name = DTYPE): NativeAttr {
    const b = this.backend.binding;
    return { name, type: b.TF_ATTR_TYPE, value: b.TF_FLOAT };
  }

  /** A new float32 resource variable holding (sharing) the tensor `initial`. */
  private resource(shape: number[], initial: number): number {
    const b = this.backend.binding;
    const [handle] = this.op(
      "VarHandleOp",
      [
        this.dtypeAttr(),
        { name: "shape", type: b.TF_ATTR_SHAPE, value: shape },
        { name: "container", type: b.TF_ATTR_STRING, value: "" },
        {
          name: "shared_name",
          type: b.TF_ATTR_STRING,
          value: `${this.resourcePrefix}${this.resourceCount++}`,
        },
      ],
      [],
      1,
    );
    if (handle === undefined) throw new Error("tensorflowAdam: VarHandleOp returned no handle");
    try {
      this.op("AssignVariableOp", [this.dtypeAttr()], [handle.id, initial], 0);
    } catch (error) {
      b.deleteTensor(handle.id);
      throw error;
    }
    return handle.id;
  }

  /** Destroys a resource variable and releases its handle. */
  private destroy(handle: number): void {
    const b = this.backend.binding;
    try {
      this.op(
        "DestroyResourceOp",
        [{ name: "ignore_lookup_error", type: b.TF_ATTR_BOOL, value: true }],
        [handle],
        0,
      );
    } finally {
      b.deleteTensor(handle);
    }
  }

  private moment(name: string, shape: readonly number[], initial: number): Moment {
    return {
      name,
      handle: this.resource([...shape], initial),
      shape: [...shape],
      exported: undefined,
    };
  }

  private freeMoments(): void {
    for (const moment of [...this.firstMoments, ...this.secondMoments]) {
      this.destroy(moment.handle);
      if (moment.exported !== undefined && !moment.exported.isDisposed) moment.exported.dispose();
    }
    this.firstMoments = [];
    this.secondMoments = [];
  }

  /** The current value of a resource variable as a new tfjs tensor (sharing TensorFlow's buffer). */
  private read(handle: number): tf.Tensor {
    const [metadata] = this.op("ReadVariableOp", [this.dtypeAttr()], [handle], 1);
    if (metadata === undefined) throw new Error("tensorflowAdam: ReadVariableOp returned nothing");
    return this.backend.createOutputTensor(metadata);
  }

  private zerosLike(id: number): number {
    const [zeros] = this.op("ZerosLike", [this.dtypeAttr("T")], [id], 1);
    if (zeros === undefined) throw new Error("tensorflowAdam: ZerosLike returned nothing");
    return zeros.id;
  }

  /** The resource copy of a tfjs variable, brought up to date if anything else wrote to it. */
  private variableResource(name: string, value: tf.Variable): VariableResource {
    const [valueId] = this.backend.getInputTensorIds([value]) as [number];
    let variable = this.variables.get(name);
    if (variable === undefined) {
      variable = { handle: this.resource([...value.shape], valueId), dataId: value.dataId };
      this.variables.set(name, variable);
    } else if (variable.dataId !== value.dataId) {
      this.op("AssignVariableOp", [this.dtypeAttr()], [variable.handle, valueId], 0);
      variable.dataId = value.dataId;
    }
    return variable;
  }

  /** The TensorFlow scalar for a role, uploaded again only when its float32 value changes. */
  private scalar(role: string, value: number): number {
    const f = Math.fround(value);
    const kept = this.scalars.get(role);
    if (kept !== undefined && Object.is(kept.value, f)) return kept.id;
    const b = this.backend.binding;
    const id = b.createTensor([], b.TF_FLOAT, new Float32Array([f]));
    if (kept !== undefined) b.deleteTensor(kept.id);
    this.scalars.set(role, { value: f, id });
    return id;
  }

  /** beta^(t+1) as tfjs accumulates it over t steps: one float32 product per step. */
  private powerAt(beta: number, steps: number): number {
    const b = Math.fround(beta);
    let power = b;
    for (let t = 0; t < steps && power !== 0; t++) power = Math.fround(power * b);
    return power;
  }

  private powerVariable(k: 0 | 1): tf.Variable {
    this.usableBackend();
    this.pullPowers();
    const value = this.powers[k];
    const kept = this.powerVariables[k];
    if (kept !== undefined && !kept.variable.isDisposed && kept.value === value) {
      return kept.variable;
    }
    const t = tf.scalar(value, "float32");
    let variable: tf.Variable;
    if (kept !== undefined && !kept.variable.isDisposed) {
      variable = kept.variable;
      variable.assign(t);
    } else {
      variable = tf.variable(t, false);
    }
    t.dispose();
    this.powerVariables[k] = { variable, dataId: variable.dataId, value };
    return variable;
  }

  /** Takes over a value assigned to accBeta1/accBeta2 from outside (a checkpoint restore). */
  private pullPowers(): void {
    for (const k of [0, 1] as const) {
      const kept = this.powerVariables[k];
      if (kept === undefined || kept.variable.isDisposed || kept.variable.dataId === kept.dataId) {
        continue;
      }
      const value = kept.variable.dataSync()[0];
      if (typeof value !== "number" || !(value >= 0 && value < 1)) {
        throw new OptimizerError(
          "INVALID_ARGUMENT",
          `tensorflowAdam: accBeta${k + 1} was set to ${String(value)}; it is beta${k + 1}^t, a number in [0, 1).`,
        );
      }
      this.powers[k] = Math.fround(value);
      kept.dataId = kept.variable.dataId;
      kept.value = this.powers[k];
    }
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
