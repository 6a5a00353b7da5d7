// Every package's main entry loads with no tfjs installed, and every subpath entry (`/tfjs`,
// `/torch`) loads with only the package's dependencies and declared peer dependencies installed.
// (The one exception, `@trainkit/backend`, picks tfjs backends: it declares `@tensorflow/tfjs-core` a
// required peer, so its main entry gets that peer, and the test checks that no other package does.)
// Each entry is imported in a child process whose module resolution refuses everything else
// (test/support/boundary-hooks.mjs), the way a user's install without those packages would.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const registerHooks = fileURLToPath(
  new URL("./support/register-boundary-hooks.mjs", import.meta.url),
);

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  exports?: Record<string, unknown>;
}

interface Workspace {
  dir: string;
  manifest: Manifest;
}

/** What the resolution hooks are told: see test/support/boundary-hooks.mjs. */
interface Rules {
  installed: string[];
  workspaces: { dir: string; name: string; declared: string[] }[];
}

function readWorkspace(dir: string): Workspace {
  return { dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) };
}

const packages = readdirSync(join(root, "packages"))
  .map((name) => join(root, "packages", name))
  .filter((dir) => existsSync(join(dir, "package.json")))
  .map(readWorkspace);
const byName = new Map(packages.map((w) => [w.manifest.name, w]));

/** The peers a package declares, or only the required ones (not marked optional). */
function peersOf(manifest: Manifest, which: "all" | "required"): string[] {
  const optional = (name: string) => manifest.peerDependenciesMeta?.[name]?.optional === true;
  return Object.keys(manifest.peerDependencies ?? {}).filter(
    (n) => which === "all" || !optional(n),
  );
}

/**
 * The package and its dependencies (and theirs, through workspace packages); for a subpath entry
 * also all its peers, for the main entry its required peers only.
 */
function installedFor(pkg: Workspace, withPeers: boolean): string[] {
  const names = new Set([pkg.manifest.name]);
  const queue = [pkg.manifest];
  for (let m = queue.pop(); m !== undefined; m = queue.pop()) {
    for (const dep of Object.keys(m.dependencies ?? {})) {
      if (names.has(dep)) continue;
      names.add(dep);
      const workspace = byName.get(dep);
      if (workspace) queue.push(workspace.manifest);
    }
  }
  for (const peer of peersOf(pkg.manifest, withPeers ? "all" : "required")) names.add(peer);
  return [...names].sort();
}

function rulesFor(pkg: Workspace, withPeers: boolean, workspaces = packages): Rules {
  return {
    installed: installedFor(pkg, withPeers),
    workspaces: workspaces.map(({ dir, manifest }) => ({
      dir,
      name: manifest.name,
      declared: [
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
      ],
    })),
  };
}

interface ChildImport {
  exitCode: number;
  exports: string[];
  stderr: string;
}

/** Imports `specifier` in a fresh Node (sources through tsx, as the repo runs them) under `rules`. */
function importInChild(specifier: string, rules: Rules): Promise<ChildImport> {
  const script = `const m = await import(${JSON.stringify(specifier)});\nconsole.log(JSON.stringify(Object.keys(m)));`;
  const args = ["--conditions=@trainkit/source", "--import", "tsx", "--import", registerHooks];
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        ...args,
        "--input-type=module",
        "-e",
        script,
        "--",
        `--boundary-rules=${JSON.stringify(rules)}`,
      ],
      { cwd: root, env, timeout: 120_000 },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        const last = stdout.trim().split("\n").pop() ?? "";
        resolve({ exitCode, exports: exitCode === 0 ? JSON.parse(last) : [], stderr });
      },
    );
  });
}

/** `[specifier, isMainEntry]` for each entry of the exports map. */
function entriesOf(pkg: Workspace): [string, boolean][] {
  return Object.keys(pkg.manifest.exports ?? { ".": {} })
    .filter((key) => key !== "./package.json")
    .map((key) => [
      key === "." ? pkg.manifest.name : `${pkg.manifest.name}/${key.slice(2)}`,
      key === ".",
    ]);
}

const cases = packages.flatMap((pkg) =>
  entriesOf(pkg).map(([specifier, main]) => ({ specifier, main, pkg })),
);

describe("package boundaries", () => {
  it("finds every package and the tfjs and torch entries", () => {
    expect(packages.length).toBeGreaterThanOrEqual(7);
    const specifiers = cases.map((c) => c.specifier);
    for (const pkg of packages) expect(specifiers).toContain(pkg.manifest.name);
    expect(specifiers).toEqual(
      expect.arrayContaining(["@trainkit/tensor-layout/tfjs", "@trainkit/tensor-layout/torch"]),
    );
  });

  it("lets only @trainkit/backend require tfjs at its main entry (a required peer)", () => {
    const requiringTfjs = packages
      .filter((w) => peersOf(w.manifest, "required").some((n) => n.startsWith("@tensorflow/")))
      .map((w) => w.manifest.name);
    expect(requiringTfjs).toEqual(["@trainkit/backend"]);
  });

  it.concurrent.each(cases.map((c) => [c.specifier, c] as const))(
    "%s loads with only what it may use installed",
    async (_name, { specifier, main, pkg }) => {
      const rules = rulesFor(pkg, !main);
      const tfjsInstalled = rules.installed.some((n) => n.startsWith("@tensorflow/"));
      if (main) expect(tfjsInstalled).toBe(pkg.manifest.name === "@trainkit/backend");
      const child = await importInChild(specifier, rules);
      expect(child.stderr.match(/Cannot find package[^\n]*/)?.[0] ?? "", specifier).toBe("");
      expect(child.exitCode, child.stderr).toBe(0);
      expect(child.exports.length).toBeGreaterThan(0);
    },
    180_000,
  );
});

describe("the check itself", () => {
  const fixture = readWorkspace(join(root, "test", "fixtures", "tfjs-at-load"));
  const entry = pathToFileURL(join(fixture.dir, "index.ts")).href;
  const workspaces = [...packages, fixture];

  it("fails a main entry that imports tfjs at load, naming the import", async () => {
    const child = await importInChild(entry, rulesFor(fixture, false, workspaces));
    expect(child.exitCode).not.toBe(0);
    expect(child.stderr).toContain("ERR_MODULE_NOT_FOUND");
    expect(child.stderr).toMatch(
      /Cannot find package '@tensorflow\/tfjs-core' imported from .*tfjs-at-load.index\.ts: it is not installed for this entry point/,
    );
  }, 180_000);

  it("fails an import the package does not declare, even where it is installed", async () => {
    const rules = rulesFor(fixture, true, workspaces);
    const undeclared = rules.workspaces.map((w) =>
      w.name === fixture.manifest.name ? { ...w, declared: [] } : w,
    );
    const child = await importInChild(entry, { ...rules, workspaces: undeclared });
    expect(child.exitCode).not.toBe(0);
    expect(child.stderr).toMatch(
      /Cannot find package '@tensorflow\/tfjs-core' imported from .*: tfjs-at-load does not declare it in dependencies or peerDependencies/,
    );
  }, 180_000);

  it("resolves the same import for real once the peer counts as installed", async () => {
    const child = await importInChild(entry, rulesFor(fixture, true, workspaces));
    expect(child.stderr).not.toContain("Cannot find package");
    expect(child.exitCode, child.stderr).toBe(0);
    expect(child.exports).toEqual(["tfjsVersion"]);
  }, 180_000);
});
