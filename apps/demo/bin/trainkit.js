#!/usr/bin/env node
// The `trainkit` command (`npx trainkit …` at the repository root after `npm install`). The app is
// private and never built for users, so this runs its TypeScript source through tsx, with the
// workspace packages resolved to their source too (the `@trainkit/source` export condition),
// as `npm run trainkit -w @trainkit/demo` does: no build step, never a stale build.
import { register } from "node:module";

const sourceCondition = `export async function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier, { ...context, conditions: ["@trainkit/source", ...context.conditions] });
}`;
register(`data:text/javascript,${encodeURIComponent(sourceCondition)}`);
const { register: registerTsx } = await import("tsx/esm/api");
registerTsx();
await import(new URL("../src/cli.ts", import.meta.url).href);
