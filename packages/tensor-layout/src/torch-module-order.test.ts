import { describe, expect, it } from "vitest";
import { TorchPortError } from "./errors.js";
import {
  groupModules,
  looksSortedByName,
  orderByName,
  recoverForwardOrder,
  type TorchModule,
} from "./torch-module-order.js";

const t = (dtype = "F32") => ({ dtype, shape: [1], data: new Float32Array(1) });
const dict = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, t()]));
const names = (modules: TorchModule[]) => modules.map((m) => m.prefix);

describe("orderByName", () => {
  it("puts numbered modules in number order at every level, named ones as they came", () => {
    const modules = groupModules(
      dict([
        "blocks.10.0.weight",
        "blocks.10.1.weight",
        "blocks.2.1.weight",
        "blocks.2.0.weight",
        "head.weight",
        "stem.weight",
      ]),
    );
    expect(names(orderByName(modules))).toEqual([
      "blocks.2.0",
      "blocks.2.1",
      "blocks.10.0",
      "blocks.10.1",
      "head",
      "stem",
    ]);
  });

  it("orders a bare nn.Sequential's 0 ... 11 and a module with no prefix", () => {
    const keys = Array.from({ length: 12 }, (_, i) => `${i}.weight`).sort();
    expect(keys.slice(0, 4)).toEqual(["0.weight", "1.weight", "10.weight", "11.weight"]);
    expect(names(orderByName(groupModules(dict(keys))))).toEqual(
      Array.from({ length: 12 }, (_, i) => String(i)),
    );
    expect(names(orderByName(groupModules(dict(["bias", "weight"]))))).toEqual([""]);
  });
});

describe("looksSortedByName", () => {
  it("is true for a safetensors file's order (per dtype, by name) and false for module order", () => {
    expect(
      looksSortedByName({
        "bn.num_batches_tracked": t("I64"),
        "a.weight": t(),
        "bn.bias": t(),
        "bn.weight": t(),
      }),
    ).toBe(true);
    expect(looksSortedByName(dict(["conv.weight", "conv.bias"]))).toBe(false);
  });
});

describe("recoverForwardOrder", () => {
  const modules = orderByName(groupModules(dict(["a.weight", "b.weight", "c.weight"])));
  const describeLayer = (i: number) => `layer ${i}`;

  it("finds the only order where every module fits its layer", () => {
    // layer 0 takes c, layer 1 takes a, layer 2 takes b
    const fitting = ["c", "a", "b"];
    const fits = (m: TorchModule, i: number) => fitting[i] === m.prefix;
    expect(names(recoverForwardOrder(modules, fits, true, describeLayer))).toEqual(fitting);
  });

  it("when nothing fits, returns the order that fits the most layers first, then the rest", () => {
    expect(names(recoverForwardOrder(modules, () => false, true, describeLayer))).toEqual([
      "a",
      "b",
      "c",
    ]);
    // c fits layer 0 and b layer 1; nothing fits layer 2
    const fits = (m: TorchModule, i: number) => ["c", "b"][i] === m.prefix;
    expect(names(recoverForwardOrder(modules, fits, true, describeLayer))).toEqual(["c", "b", "a"]);
  });

  it("throws AMBIGUOUS_ORDER naming each layer's candidates when two orders fit", () => {
    // a must go first; b and c fit layers 1 and 2 either way
    const fits = (m: TorchModule, i: number) => (i === 0) === (m.prefix === "a");
    let error: unknown;
    try {
      recoverForwardOrder(modules, fits, true, describeLayer);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TorchPortError);
    expect((error as TorchPortError).code).toBe("AMBIGUOUS_ORDER");
    expect((error as TorchPortError).message).toContain(
      "layer 1 could take b or c; layer 2 could take c or b",
    );
  });

  it("trusts keys in module order when that order fits", () => {
    const fits = () => true;
    expect(names(recoverForwardOrder(modules, fits, false, describeLayer))).toEqual([
      "a",
      "b",
      "c",
    ]);
  });

  it("gives up with AMBIGUOUS_ORDER when too many placements would have to be tried", () => {
    // 12 named modules, and a fit that fails only at the last layer: 12! orders to rule out.
    const many = orderByName(
      groupModules(dict(Array.from({ length: 12 }, (_, i) => `m${String(i).padStart(2, "0")}.w`))),
    );
    const fits = (_: TorchModule, i: number) => i < 11;
    let error: unknown;
    try {
      recoverForwardOrder(many, fits, true, describeLayer);
    } catch (e) {
      error = e;
    }
    expect((error as TorchPortError).code).toBe("AMBIGUOUS_ORDER");
    expect((error as TorchPortError).message).toContain("placements were tried");
  });
});
