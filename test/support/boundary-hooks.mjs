// Module resolution hooks for the package-boundary test. Node resolves every import for real;
// these hooks first refuse the packages a user of the entry under test would not have installed,
// so an import of one fails exactly as it would there (ERR_MODULE_NOT_FOUND).
//
// Rules (from the test, through `initialize`):
//   installed:  package names that exist for this entry (the package, its dependencies, and for a
//               subpath entry its declared peers);
//   workspaces: { dir, name, declared } for each trainkit package: files under `dir` may import
//               only `name` itself and the names in `declared` (dependencies + peerDependencies).
import { isBuiltin } from "node:module";
import { sep } from "node:path";
import { fileURLToPath } from "node:url";

let rules = { installed: [], workspaces: [] };

export function initialize(data) {
  rules = data;
}

/** The package a bare specifier names (`@scope/name` or `name`), or undefined for anything else. */
function packageName(specifier) {
  if (isBuiltin(specifier) || /^[./#]/.test(specifier) || /^[a-z][a-z0-9+.-]*:/i.test(specifier)) {
    return undefined;
  }
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

function ownerOf(parentURL) {
  if (!parentURL?.startsWith("file:")) return undefined;
  const file = fileURLToPath(parentURL);
  return rules.workspaces.find((w) => file.startsWith(w.dir + sep));
}

/** Why `name` may not be imported from `parentURL`, or undefined when it may. */
function refusal(name, parentURL) {
  const owner = ownerOf(parentURL);
  if (owner && name !== owner.name && !owner.declared.includes(name)) {
    return `${owner.name} does not declare it in dependencies or peerDependencies`;
  }
  const guarded = owner || name.startsWith("@tensorflow/") || name.startsWith("@trainkit/");
  if (guarded && !rules.installed.includes(name)) {
    return `it is not installed for this entry point (installed: ${rules.installed.join(", ")})`;
  }
  return undefined;
}

export async function resolve(specifier, context, nextResolve) {
  const name = packageName(specifier);
  const problem = name === undefined ? undefined : refusal(name, context.parentURL);
  if (problem !== undefined) {
    const from = context.parentURL ? fileURLToPath(context.parentURL) : "the entry";
    const error = new Error(`Cannot find package '${specifier}' imported from ${from}: ${problem}`);
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
  return nextResolve(specifier, context);
}
