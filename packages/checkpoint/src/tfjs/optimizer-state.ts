import { dispose, scalar, type Tensor, tensor, type Variable } from "@tensorflow/tfjs-core";
import { HIDDEN_PREFIX, OPTIMIZER_PREFIX, type StoredOptimizer } from "../checkpoint-format.js";
import { CheckpointError } from "../errors.js";
import type { SafetensorsTensor, TensorInput } from "../safetensors.js";
import { shapeOf, storedNames } from "./model-weights.js";
import type { CheckpointModel, NamedTensor, Optimizer, WeightVariable } from "./types.js";

/** State tfjs keeps outside getWeights(): Adam's running powers of beta1 and beta2. */
const HIDDEN: Record<string, string[]> = { Adam: ["accBeta1", "accBeta2"] };

function hiddenVariable(opt: Optimizer, key: string): Variable | undefined {
  const v = (opt as unknown as Record<string, unknown>)[key];
  return v !== null && typeof v === "object" && "assign" in v ? (v as Variable) : undefined;
}

async function optimizerWeights(opt: Optimizer): Promise<NamedTensor[]> {
  try {
    return await opt.getWeights();
  } catch (err) {
    throw new CheckpointError(
      "UNSUPPORTED_OPTIMIZER",
      `${opt.getClassName()} cannot export its state (${(err as Error).message}); use SGD, momentum, Adagrad, Adadelta, RMSProp or Adam, or save without the optimizer (optimizer: null).`,
    );
  }
}

/**
 * Reads an optimizer's slots and keys each by the model weight it belongs to:
 * `optimizer/<weight>/<slot>`. Slots Adam has not created yet are simply absent.
 */
export async function captureOptimizer(
  model: CheckpointModel,
  opt: Optimizer,
  out: Record<string, TensorInput>,
): Promise<StoredOptimizer> {
  const names = storedNames(model);
  const byVar = new Map<string, WeightVariable>();
  for (const w of model.weights) byVar.set(w.name, w);
  const weights = await optimizerWeights(opt);
  const slots: string[] = [];
  try {
    for (const { name, tensor: t } of weights.slice(1)) {
      // name is `<variable name>/<slot>`; variable names contain '/', so find the longest match
      let owner: WeightVariable | undefined;
      for (let cut = name.lastIndexOf("/"); cut > 0; cut = name.lastIndexOf("/", cut - 1)) {
        owner = byVar.get(name.slice(0, cut));
        if (owner !== undefined) break;
      }
      if (owner === undefined) {
        throw new CheckpointError(
          "SLOT_WITHOUT_WEIGHT",
          `Optimizer slot ${JSON.stringify(name)} belongs to no weight of the model; the optimizer also trains variables outside this model. Save with a dedicated optimizer per model.`,
        );
      }
      const slot = name.slice(owner.name.length + 1);
      if (!slots.includes(slot)) slots.push(slot);
      out[`${OPTIMIZER_PREFIX}${names.get(owner)}/${slot}`] = {
        dtype: "F32",
        shape: t.shape,
        data: (await t.data()) as Float32Array,
      };
    }
  } finally {
    dispose(weights[0]?.tensor); // the iterations scalar getWeights() created for us
  }
  const hidden: string[] = [];
  for (const key of HIDDEN[opt.getClassName()] ?? []) {
    const v = hiddenVariable(opt, key);
    if (v === undefined) continue;
    out[`${HIDDEN_PREFIX}${key}`] = {
      dtype: "F32",
      shape: [],
      data: (await v.data()) as Float32Array,
    };
    hidden.push(key);
  }
  return {
    className: opt.getClassName(),
    config: opt.getConfig() as Record<string, unknown>,
    iterations: opt.iterations,
    slots,
    hidden,
  };
}

/** Checked, ready-to-apply optimizer state (nothing mutated yet). */
export interface PlannedOptimizerRestore {
  apply(): Promise<void>;
  ignoredSlots: string[];
}

/**
 * Validates the stored optimizer state against the model (every trainable weight
 * has every slot, shapes equal) and returns the restore step. Slots go back by
 * weight name, in the model's trainable-weight order, which is the order tfjs
 * optimizers index their slots by.
 */
export function planOptimizerRestore(
  path: string,
  model: CheckpointModel,
  opt: Optimizer,
  stored: StoredOptimizer,
  storedNameOf: Map<WeightVariable, string>,
  tensors: Record<string, SafetensorsTensor>,
): PlannedOptimizerRestore {
  if (opt.getClassName() !== stored.className) {
    throw new CheckpointError(
      "OPTIMIZER_MISMATCH",
      `${path} holds ${stored.className} state but the optimizer is ${opt.getClassName()}; create a ${stored.className} optimizer to resume, or pass optimizer: null to load the weights only.`,
    );
  }
  const trainable = model.trainableWeights;
  const used = new Set<string>();
  const groups: { slot: string; w: WeightVariable; t: SafetensorsTensor }[][] = [];
  for (const slot of stored.slots) {
    const group: { slot: string; w: WeightVariable; t: SafetensorsTensor }[] = [];
    for (const w of trainable) {
      const key = `${OPTIMIZER_PREFIX}${storedNameOf.get(w)}/${slot}`;
      const t = Object.hasOwn(tensors, key) ? tensors[key] : undefined;
      if (t === undefined) {
        throw new CheckpointError(
          "MISSING_OPTIMIZER_STATE",
          `${path} has no ${stored.className} slot "${slot}" for trainable weight ${JSON.stringify(storedNameOf.get(w))} (looked for ${JSON.stringify(key)}); the set of trainable weights changed since the save. Pass optimizer: null to load weights only and start the optimizer fresh.`,
        );
      }
      const shape = shapeOf(w);
      if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
        throw new CheckpointError(
          "SHAPE_MISMATCH",
          `Optimizer slot ${JSON.stringify(key)} has shape [${t.shape.join(", ")}] but weight ${JSON.stringify(storedNameOf.get(w))} has shape [${shape.join(", ")}]; the slot cannot belong to this weight.`,
        );
      }
      used.add(key);
      group.push({ slot, w, t });
    }
    groups.push(group);
  }
  for (const h of stored.hidden) {
    if (!Object.hasOwn(tensors, `${HIDDEN_PREFIX}${h}`)) {
      throw new CheckpointError(
        "MISSING_OPTIMIZER_STATE",
        `${path} lists hidden optimizer state "${h}" but has no tensor ${JSON.stringify(`${HIDDEN_PREFIX}${h}`)}; the file was edited.`,
      );
    }
  }
  const ignoredSlots = Object.keys(tensors).filter(
    (k) => k.startsWith(OPTIMIZER_PREFIX) && !k.startsWith(HIDDEN_PREFIX) && !used.has(k),
  );
  return {
    ignoredSlots,
    async apply() {
      // Free the slots the optimizer holds now: setWeights replaces them without disposing.
      const current = await opt.getWeights();
      dispose(current.map((c) => c.tensor));
      const list: NamedTensor[] = [{ name: "iter", tensor: scalar(stored.iterations, "int32") }];
      for (const group of groups) {
        for (const { slot, w, t } of group) {
          list.push({
            name: `${w.name}/${slot}`,
            tensor: tensor(t.data as Float32Array, t.shape, "float32"),
          });
        }
      }
      try {
        await opt.setWeights(list);
      } finally {
        dispose(list.map((l) => l.tensor));
      }
      for (const h of stored.hidden) {
        const v = hiddenVariable(opt, h);
        const t = tensors[`${HIDDEN_PREFIX}${h}`] as SafetensorsTensor;
        if (v === undefined) continue;
        const value: Tensor = scalar((t.data as Float32Array)[0] as number, "float32");
        v.assign(value);
        value.dispose();
      }
    },
  };
}
