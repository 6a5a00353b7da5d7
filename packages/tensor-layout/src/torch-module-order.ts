import { TorchPortError } from "./errors.js";
import type { TorchTensorLike } from "./torch-tensor.js";

/** A PyTorch `state_dict`: parameter name → tensor, in the module's registration order. */
export type TorchStateDict =
  | Record<string, TorchTensorLike>
  | Map<string, TorchTensorLike>
  | ReadonlyArray<readonly [string, TorchTensorLike]>;

/** The parameters of one PyTorch module, e.g. `features.0` → `weight`, `bias`. */
export interface TorchModule {
  prefix: string;
  params: Map<string, { key: string; value: TorchTensorLike }>;
}

/** A node of the module tree: `features` → `0`, `1`, ...; `own` holds the node's own parameters. */
interface ModuleNode {
  name: string;
  /** The name as a number for `nn.Sequential`/`nn.ModuleList` children (`"10"` → 10). */
  index: number | undefined;
  own: TorchModule | undefined;
  children: ModuleNode[];
}

/** Placements of one module on one layer that the order search may try before giving up. */
const SEARCH_BUDGET = 200_000;

export const moduleName = (m: TorchModule): string => m.prefix || "(root)";

export function entriesOf(stateDict: TorchStateDict): Array<readonly [string, TorchTensorLike]> {
  if (stateDict instanceof Map) return [...stateDict.entries()];
  if (Array.isArray(stateDict)) return [...stateDict];
  return Object.entries(stateDict as Record<string, TorchTensorLike>);
}

/** Groups `features.0.weight`, `features.0.bias`, ... by module, keeping first-seen order. */
export function groupModules(stateDict: TorchStateDict): TorchModule[] {
  const modules = new Map<string, TorchModule>();
  for (const [key, value] of entriesOf(stateDict)) {
    const dot = key.lastIndexOf(".");
    const prefix = dot < 0 ? "" : key.slice(0, dot);
    const param = key.slice(dot + 1);
    if (param === "num_batches_tracked") continue;
    let mod = modules.get(prefix);
    if (mod === undefined) {
      mod = { prefix, params: new Map() };
      modules.set(prefix, mod);
    }
    mod.params.set(param, { key, value });
  }
  return [...modules.values()];
}

/**
 * Whether the keys come sorted by name, as a safetensors file stores them (the safetensors library
 * sorts by dtype, widest first, then by name: so the keys of each dtype are in name order). Such an
 * order says nothing about the forward order of named submodules.
 */
export function looksSortedByName(stateDict: TorchStateDict): boolean {
  const lastByDtype = new Map<string, string>();
  for (const [key, value] of entriesOf(stateDict)) {
    if (key.endsWith("num_batches_tracked")) continue;
    const dtype = String(value.dtype).toLowerCase();
    const last = lastByDtype.get(dtype);
    if (last !== undefined && last > key) return false;
    lastByDtype.set(dtype, key);
  }
  return true;
}

/** Puts modules in the order given by module names or parameter keys (`options.order`). */
export function orderModules(modules: TorchModule[], order: readonly string[]): TorchModule[] {
  const byPrefix = new Map(modules.map((m) => [m.prefix, m]));
  const keyToPrefix = new Map<string, string>();
  for (const m of modules) for (const { key } of m.params.values()) keyToPrefix.set(key, m.prefix);
  const result: TorchModule[] = [];
  const seen = new Set<string>();
  for (const entry of order) {
    const prefix = keyToPrefix.get(entry) ?? (byPrefix.has(entry) ? entry : undefined);
    if (prefix === undefined) {
      if (entry.endsWith(".num_batches_tracked")) continue;
      throw new TorchPortError(
        "INVALID_ARGUMENT",
        `options.order names ${JSON.stringify(entry)}, which is neither a module nor a key of the state_dict; modules are ${modules.map(moduleName).join(", ")}.`,
      );
    }
    if (seen.has(prefix)) continue;
    seen.add(prefix);
    result.push(byPrefix.get(prefix) as TorchModule);
  }
  const missing = modules.filter((m) => !seen.has(m.prefix));
  if (missing.length > 0) {
    throw new TorchPortError(
      "INVALID_ARGUMENT",
      `options.order leaves out module ${missing.map(moduleName).join(", ")} of the state_dict; list every module (or every key) once, in forward order.`,
    );
  }
  return result;
}

/** The module tree of `features.0`, `features.10`, `classifier`, ... (children in first-seen order). */
function moduleTree(modules: readonly TorchModule[]): ModuleNode {
  const node = (name: string): ModuleNode => ({
    name,
    index: /^\d+$/.test(name) ? Number(name) : undefined,
    own: undefined,
    children: [],
  });
  const root = node("");
  for (const mod of modules) {
    let at = root;
    for (const part of mod.prefix === "" ? [] : mod.prefix.split(".")) {
      let child = at.children.find((c) => c.name === part);
      if (child === undefined) {
        child = node(part);
        at.children.push(child);
      }
      at = child;
    }
    at.own = mod;
  }
  return root;
}

/**
 * The parts of a node in the order tried first: its own parameters (a leaf), then its children.
 * A node with parameters and children is rare; its own parameters then take any place.
 */
function partsOf(node: ModuleNode): ModuleNode[] {
  if (node.own === undefined) return node.children;
  const leaf: ModuleNode = { name: "", index: undefined, own: node.own, children: [] };
  return node.children.length === 0 ? [leaf] : [leaf, ...node.children];
}

type Next = (position: number) => boolean;

interface Search {
  fits: (mod: TorchModule, position: number) => boolean;
  /** Stops after this many complete orders. */
  wanted: number;
  found: TorchModule[][];
  /** The longest run of modules from the first layer on that fit (for errors when none fits). */
  best: TorchModule[];
  budget: number;
}

/**
 * Walks the orders of the tree's leaves in which numbered siblings keep their number order
 * (`2` before `10`) and named siblings take any order, each subtree's modules staying together;
 * keeps those where every module fits the layer at its position. Returns true to stop.
 */
function walk(node: ModuleNode, at: number, seq: TorchModule[], s: Search, then: Next): boolean {
  const own = node.children.length === 0 ? node.own : undefined;
  if (own !== undefined) {
    if (--s.budget < 0) return true;
    if (!s.fits(own, at)) return false;
    seq.push(own);
    if (seq.length > s.best.length) s.best = [...seq];
    const stop = then(at + 1);
    seq.pop();
    return stop;
  }
  const parts = partsOf(node);
  const used = parts.map(() => false);
  const next = (pos: number): boolean => {
    let lowest: number | undefined;
    for (let i = 0; i < parts.length; i++) {
      const index = parts[i]?.index;
      if (!used[i] && index !== undefined && (lowest === undefined || index < lowest))
        lowest = index;
    }
    let open = false;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as ModuleNode;
      if (used[i] || (part.index !== undefined && part.index !== lowest)) continue;
      open = true;
      used[i] = true;
      const stop = walk(part, pos, seq, s, next);
      used[i] = false;
      if (stop) return true;
    }
    return open ? false : then(pos);
  };
  return next(at);
}

function searchOrders(
  modules: readonly TorchModule[],
  fits: Search["fits"],
  wanted: number,
): { found: TorchModule[][]; best: TorchModule[]; exhausted: boolean } {
  const s: Search = { fits, wanted, found: [], best: [], budget: SEARCH_BUDGET };
  const seq: TorchModule[] = [];
  walk(moduleTree(modules), 0, seq, s, () => {
    s.found.push([...seq]);
    return s.found.length >= s.wanted;
  });
  return { found: s.found, best: s.best, exhausted: s.budget < 0 };
}

/**
 * The modules in the order their names give: numbered children (`nn.Sequential`) by number at every
 * level (`features.2` before `features.10`), named children in the order they came.
 */
export function orderByName(modules: readonly TorchModule[]): TorchModule[] {
  return searchOrders(modules, () => true, 1).found[0] ?? [...modules];
}

/**
 * Recovers the forward order of `modules` (already in {@link orderByName} order, as many as
 * there are layers). Keeps the given order when the keys did not come sorted by name and it fits;
 * otherwise tries every order the names allow and keeps the one where each module fits its layer.
 * When none fits, returns the order that fits the most layers from the first on, then the rest in
 * name order: pairing it then reports the mismatch where the model and the state_dict part.
 *
 * @throws {TorchPortError} `AMBIGUOUS_ORDER` when more than one order fits.
 */
export function recoverForwardOrder(
  modules: TorchModule[],
  fits: (mod: TorchModule, position: number) => boolean,
  keysSortedByName: boolean,
  describeLayer: (position: number) => string,
): TorchModule[] {
  if (!keysSortedByName && modules.every((m, i) => fits(m, i))) return modules;
  const { found, best, exhausted } = searchOrders(modules, fits, 2);
  if (found.length === 1 && !exhausted) return found[0] as TorchModule[];
  if (found.length === 0 && !exhausted) {
    const placed = new Set(best);
    return [...best, ...modules.filter((m) => !placed.has(m))];
  }
  const hint =
    "Pass options.order: the state_dict keys in forward order (in PyTorch, list(model.state_dict().keys()), e.g. saved in the safetensors metadata) or the module names.";
  if (found.length < 2) {
    throw new TorchPortError(
      "AMBIGUOUS_ORDER",
      `The forward order of the PyTorch modules cannot be told from their names (named submodules, keys sorted by name as in a safetensors file), and more than ${SEARCH_BUDGET} placements were tried without settling it. ${hint}`,
    );
  }
  const [a, b] = found as [TorchModule[], TorchModule[]];
  const choices = a.flatMap((m, i) =>
    m === b[i]
      ? []
      : [`${describeLayer(i)} could take ${moduleName(m)} or ${moduleName(b[i] as TorchModule)}`],
  );
  throw new TorchPortError(
    "AMBIGUOUS_ORDER",
    `The forward order of the PyTorch modules cannot be told from their names (named submodules, keys sorted by name as in a safetensors file), and more than one order fits the tfjs layers: ${choices.join("; ")}. ${hint}`,
  );
}
