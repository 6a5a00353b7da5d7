import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = createRequire(import.meta.url).resolve("tsx");

describe("examples/quickstart.ts (the README's example)", () => {
  it("runs in a fresh process, picks a backend and trains a conv net", () => {
    const out = execFileSync(
      process.execPath,
      [
        "--conditions=@trainkit/source",
        "--import",
        tsx,
        path.join(here, "..", "examples", "quickstart.ts"),
      ],
      { encoding: "utf8", env: { ...process.env, TRAINKIT_BACKEND: "" }, timeout: 120_000 },
    );
    expect(out).toMatch(/^Backend: (tensorflow-gpu|webgpu|tensorflow-cpu|wasm|cpu) \((GPU|CPU)\)/m);
    const loss = Number(/loss after 2 epochs on \w+: ([\d.]+)/.exec(out)?.[1]);
    expect(loss).toBeGreaterThan(0);
    expect(loss).toBeLessThan(5);
  });
});
