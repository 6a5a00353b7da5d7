import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/torch.ts"],
  format: ["esm", "cjs"],
  // One copy of shared code (error classes!) for all entry points, in CJS as well as ESM.
  splitting: true,
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  treeshake: true,
});
