import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/tfjs.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  treeshake: true,
  shims: true,
});
