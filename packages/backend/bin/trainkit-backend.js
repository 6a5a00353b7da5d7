#!/usr/bin/env node
// The `trainkit-backend` command. Published packages run the built dist/cli.js; a checkout of
// the repository that was not built runs the TypeScript source through tsx (a dev dependency).
import { existsSync } from "node:fs";

const built = new URL("../dist/cli.js", import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL("../src/cli.ts", import.meta.url).href);
}
