import { describe, expect, it } from "vitest";
import { tensorflowThreadsSetting } from "./tensorflow-threads.js";

describe("tensorflowThreadsSetting", () => {
  it("takes a whole number above 0 from TF_NUM_INTRAOP_THREADS, naming the variable", () => {
    const s = tensorflowThreadsSetting({ TF_NUM_INTRAOP_THREADS: " 3 " }, 8);
    expect(s).toEqual({
      threads: 3,
      source: "environment",
      description: "3 intra-op threads (TF_NUM_INTRAOP_THREADS=3)",
    });
  });

  it("says when initBackend's option set it", () => {
    const s = tensorflowThreadsSetting({ TF_NUM_INTRAOP_THREADS: "1" }, 8, true);
    expect(s).toEqual({
      threads: 1,
      source: "option",
      description: "1 intra-op thread (tensorflowThreads: 1)",
    });
  });

  it("falls back to TensorFlow's default, one per core, for unset, 0 and anything else", () => {
    for (const value of [undefined, "", "0", "two", "-1", "1.5"]) {
      const s = tensorflowThreadsSetting({ TF_NUM_INTRAOP_THREADS: value }, 6);
      expect(s.threads).toBe(6);
      expect(s.source).toBe("default");
      expect(s.description).toBe(
        "6 intra-op threads (TensorFlow's default, one per core; tensorflowThreads sets it)",
      );
    }
  });
});
