import type { Options } from "tsup";

/** What differs between the packages' builds. */
export interface PackageTsupOptions {
  /** One file per export of the package: `src/index.ts`, `src/tfjs.ts`, `src/torch.ts`. */
  entry: string[];
  /**
   * Further imports to leave to the user's install. The package's dependencies and peer
   * dependencies (tsup reads them from its package.json), every `@tensorflow/*` package and
   * every other `@trainkit/*` package are never bundled, whatever is listed here.
   */
  external?: (string | RegExp)[];
  /** `import.meta.url` in the CommonJS build and `__dirname` in ESM, for code that reads files next to itself. */
  shims?: boolean;
}

/**
 * The build of every trainkit package: ESM + CommonJS + types from the entry files, for Node 20.
 * Shared code is split into chunks, so a class offered by two entries (an error class from the
 * main entry and from `/tfjs`) is one class in each format. tfjs is never bundled: the app's one
 * copy of `@tensorflow/tfjs-core` must be the one every package sees (one engine, one backend).
 */
export function packageTsupConfig({
  entry,
  external = [],
  shims = false,
}: PackageTsupOptions): Options {
  return {
    entry,
    format: ["esm", "cjs"],
    splitting: true,
    dts: true,
    clean: true,
    sourcemap: true,
    target: "node20",
    treeshake: true,
    shims,
    external: [/^@tensorflow\//, /^@trainkit\//, ...external],
  };
}
