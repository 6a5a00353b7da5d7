import { defineConfig } from "tsup";
import { packageTsupConfig } from "../../scripts/tsup-config.js";

// shims: the default model is read from `models/` next to the code, in CommonJS too.
export default defineConfig(
  packageTsupConfig({ entry: ["src/index.ts", "src/tfjs.ts"], shims: true }),
);
