import { defineConfig } from "tsup";
import { packageTsupConfig } from "../../scripts/tsup-config.js";

export default defineConfig(
  packageTsupConfig({ entry: ["src/index.ts", "src/bullmq.ts"], external: ["bullmq", "ioredis"] }),
);
