import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

describe("the schedule entry point", () => {
  it("imports nothing from tfjs (only src/tfjs.ts and src/tfjs/ do)", () => {
    const root = new URL("../src/", import.meta.url).pathname;
    const files = [
      ...readdirSync(root).filter((f) => f.endsWith(".ts") && f !== "tfjs.ts"),
      ...readdirSync(join(root, "internal")).map((f) => `internal/${f}`),
    ];
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      expect(readFileSync(join(root, f), "utf8"), f).not.toMatch(/@tensorflow\//);
    }
  });
});
