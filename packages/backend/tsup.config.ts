import { defineConfig } from "tsup";
import { packageTsupConfig } from "../../scripts/tsup-config.js";

export default defineConfig([
  packageTsupConfig({ entry: ["src/index.ts"] }),
  {
    // The `trainkit-backend` command: ESM only, no types, never imported.
    entry: { cli: "src/cli.ts" },
    format: ["esm"],
    dts: false,
    sourcemap: true,
    target: "node20",
    banner: { js: "#!/usr/bin/env node" },
  },
]);
