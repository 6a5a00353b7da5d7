#!/usr/bin/env node
// Checks a built package: a class offered by several entry points (say `CheckpointError` from
// both "@trainkit/checkpoint" and "@trainkit/checkpoint/tfjs") must be the very same class from
// each of them, in CommonJS as in ESM. Two copies of a class break `instanceof` for users.
// (Functions may share a name on purpose: `padBatch` of the tfjs subpath also takes tensors.)
//
//   node ../../scripts/check-entry-identity.mjs        (run in a package folder, after build)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

const dir = process.cwd();
const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
const require = createRequire(path.join(dir, "package.json"));
const entries = Object.entries(pkg.exports ?? {}).filter(
  ([key, value]) => key !== "./package.json" && typeof value === "object",
);

const problems = [];
for (const format of ["require", "import"]) {
  const seen = new Map(); // export name -> [entry, value]
  for (const [key, value] of entries) {
    const file = path.join(dir, value[format].default);
    const mod = format === "require" ? require(file) : await import(pathToFileURL(file).href);
    for (const [name, exported] of Object.entries(mod)) {
      const isClass =
        typeof exported === "function" &&
        /^class\b/.test(Function.prototype.toString.call(exported));
      if (name === "default" || !isClass) continue;
      const earlier = seen.get(name);
      if (earlier && earlier[1] !== exported) {
        problems.push(
          `${format === "require" ? "CJS" : "ESM"}: '${name}' from '${earlier[0]}' and from '${key}' are different objects`,
        );
      }
      if (!earlier) seen.set(name, [key, exported]);
    }
  }
}
if (problems.length > 0) {
  console.error(
    `${pkg.name}: classes duplicated across entry points (enable tsup's splitting):\n  ${problems.join("\n  ")}`,
  );
  process.exit(1);
}
console.log(
  `${pkg.name}: ${entries.length} entry point(s), every shared class is one class in CJS and ESM`,
);
