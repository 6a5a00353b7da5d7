import { describe, expect, it } from "vitest";
import { quickstart } from "../examples/quickstart.js";

describe("examples/quickstart.ts (the README example)", () => {
  it("runs: resumes at the saved step, Adam checkpoint is 3x the weights, fp16 release is half", async () => {
    const r = await quickstart();
    expect(r.resumedStep).toBe(8);
    expect(r.multiplier).toBe(3);
    // weights: 4*16 + 16 + 16*1 + 1 = 97 floats = 388 bytes in float32, 194 in float16
    expect(r.fp16Bytes).toBe(194);
  });
});
