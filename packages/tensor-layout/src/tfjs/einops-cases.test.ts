import * as tf from "@tensorflow/tfjs-core";
// Gradients of tf.sum, tf.mul, tf.reshape and tf.transpose, as @tensorflow/tfjs registers them.
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import { describe, expect, it } from "vitest";
import { einopsFixtures, fixtureInput } from "../../test/helpers/einops-fixtures.js";
import { EinopsError } from "../errors.js";
import { rearrange } from "./rearrange.js";
import { type Reduction, reduce } from "./reduce.js";
import { repeat } from "./repeat.js";

// Outputs and failures recorded from the einops library (see fixtures/einops-cases.json).
describe.each(["rearrange", "reduce", "repeat"] as const)("%s matches einops", (op) => {
  const cases = einopsFixtures.cases.filter((c) => c.op === op);
  it.each(cases.map((c) => [`${c.pattern} ${JSON.stringify(c.axes)} on [${c.shape}]`, c] as const))(
    "%s",
    (_name, c) => {
      const before = tf.memory().numTensors;
      const x = fixtureInput(c);
      const y =
        op === "rearrange"
          ? rearrange(x, c.pattern, c.axes)
          : op === "reduce"
            ? reduce(x, c.pattern, c.reduction as Reduction, c.axes)
            : repeat(x, c.pattern, c.axes);
      expect(y.shape).toEqual(c.outputShape);
      const got = Array.from(y.dataSync());
      for (let i = 0; i < got.length; i++) {
        expect(got[i]).toBeCloseTo(c.output[i] as number, 4);
      }
      x.dispose();
      y.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
  );
});

/** Our code for each einops failure, and a piece of einops's cause our message must carry. */
const expected: Record<string, { code: string; says: string }> = {
  "a b c -> a b c [2,3]": {
    code: "RANK_MISMATCH",
    says: "Wrong shape: expected 3 dims. Received 2-dim tensor.",
  },
  "a b -> a b c [2,3]": {
    code: "UNMATCHED_IDENTIFIERS",
    says: "Identifiers only on one side of expression (should be on both): {c}",
  },
  "a b c -> a b [2,3,4]": {
    code: "UNMATCHED_IDENTIFIERS",
    says: "Identifiers only on one side of expression (should be on both): {c}",
  },
  "a b c d ... -> a b c d [1,2,3]": {
    code: "UNMATCHED_IDENTIFIERS",
    says: "(should be on both): {...}",
  },
  "(a b) c -> a b c [5,3]": {
    code: "SHAPE_MISMATCH",
    says: "Shape mismatch, can't divide axis of length 5 in chunks of 2",
  },
  "(a b) c -> a b c [6,3]": {
    code: "MISSING_AXIS_LENGTH",
    says: "Could not infer sizes for {a, b}",
  },
  "a b -> a b [5,3]": { code: "SHAPE_MISMATCH", says: "Shape mismatch, 5 != 4" },
  "(a b -> a b [6,3]": {
    code: "INVALID_PATTERN",
    says: 'Imbalanced parentheses in expression: "(a b"',
  },
  "(a b)) -> a b [6]": { code: "INVALID_PATTERN", says: "Brackets are not balanced" },
  "(a (b c)) -> a b c [6]": {
    code: "INVALID_PATTERN",
    says: "Axis composition is one-level (brackets inside brackets not allowed)",
  },
  "a b -> (a (b)) [2,3]": { code: "INVALID_PATTERN", says: "Axis composition is one-level" },
  "a 1b -> a [2,3]": { code: "INVALID_PATTERN", says: "Invalid axis identifier: 1b" },
  "a _pre -> a _pre [2,3]": {
    code: "INVALID_PATTERN",
    says: "Invalid axis identifier: _pre; an axis name must not start or end with an underscore",
  },
  "a ...pre -> a [2,3]": { code: "INVALID_PATTERN", says: "Invalid axis identifier: ...pre" },
  "a ... ... -> a [2,3]": {
    code: "INVALID_PATTERN",
    says: "may contain dots only inside one ellipsis (...)",
  },
  "a .. -> a [2,3]": {
    code: "INVALID_PATTERN",
    says: "may contain dots only inside one ellipsis (...)",
  },
  "a a -> a [2,3]": {
    code: "INVALID_PATTERN",
    says: 'Indexing expression contains duplicate dimension "a"',
  },
  "a b -> a ... b [2,3]": {
    code: "INVALID_PATTERN",
    says: "Ellipsis found in right side, but not left side of a pattern",
  },
  "a (...) -> a ... [2,3]": {
    code: "INVALID_PATTERN",
    says: "Ellipsis inside parenthesis in the left side is not allowed",
  },
  "(a 2) -> a [6]": {
    code: "ANONYMOUS_AXIS",
    says: "Non-unitary anonymous axes are not supported in rearrange (exception is length 1)",
  },
  "a b -> a b [2,3]": { code: "UNUSED_AXIS_LENGTH", says: "Axis c is not used in transform" },
  "a b -> b a [2,3]": {
    code: "INVALID_AXIS_LENGTH",
    says: "Length of axis a must be a positive integer, got 0",
  },
  "a b -> a b $ [2,3]": { code: "INVALID_PATTERN", says: "Unknown character '$'" },
  "a b 0 -> a b [2,3,0]": {
    code: "ANONYMOUS_AXIS",
    says: "Anonymous axis should have positive length, not 0",
  },
  "a b -> a [2,3]": {
    code: "UNKNOWN_REDUCTION",
    says: 'Unknown reduction "median". Expect one of {min, max, sum, mean, prod, any, all}',
  },
  "a b -> a c [2,3]": { code: "UNMATCHED_IDENTIFIERS", says: "Unexpected identifiers on the" },
  "a (b 2) -> a b [2,3]": {
    code: "SHAPE_MISMATCH",
    says: "Shape mismatch, can't divide axis of length 3 in chunks of 2",
  },
  "a b -> b [2,3]": {
    code: "UNMATCHED_IDENTIFIERS",
    says: "Unexpected identifiers on the left side of repeat: {a}",
  },
};

describe("errors where einops raises", () => {
  it.each(
    einopsFixtures.errors.map(
      (c) => [`${c.op} "${c.pattern}" on [${c.shape}] ${JSON.stringify(c.axes)}`, c] as const,
    ),
  )("%s", (_name, c) => {
    const want = expected[`${c.pattern} [${c.shape}]`];
    expect(want, `no expectation for ${c.pattern}`).toBeDefined();
    const x = tf.zeros(c.shape);
    const run = () =>
      c.op === "rearrange"
        ? rearrange(x, c.pattern, c.axes)
        : c.op === "reduce"
          ? reduce(x, c.pattern, c.reduction as Reduction, c.axes)
          : repeat(x, c.pattern, c.axes);
    let error: unknown;
    try {
      run();
    } catch (e) {
      error = e;
    }
    x.dispose();
    expect(error).toBeInstanceOf(EinopsError);
    const e = error as EinopsError;
    expect(e.code).toBe(want?.code);
    expect(e.message).toContain(want?.says);
    // Like einops, the message names the pattern and the input shape.
    expect(e.message).toContain(`pattern "${c.pattern}"`);
    expect(e.message).toContain(`Input tensor shape: [${c.shape.join(", ")}]`);
  });

  it("reports the right-side identifiers of a reduce and the left-side ones of a repeat", () => {
    const x = tf.zeros([2, 3]);
    expect(() => reduce(x, "a b -> a c", "sum")).toThrow(
      /Unexpected identifiers on the right side of sum-reduction: \{c\}/,
    );
    expect(() => repeat(x, "a b -> a c")).toThrow(
      /Unexpected identifiers on the left side of repeat: \{b\}/,
    );
    x.dispose();
  });

  it("asks for the size of a new repeat axis by name", () => {
    const x = tf.zeros([2, 3]);
    expect(() => repeat(x, "h w -> h w c")).toThrow(EinopsError);
    expect(() => repeat(x, "h w -> h w c")).toThrow(/Specify sizes for new axes in repeat: \{c\}/);
    x.dispose();
  });

  it("rejects a pattern without exactly one arrow", () => {
    const x = tf.zeros([2, 3]);
    for (const pattern of ["a b", "a -> b -> c"]) {
      let error: unknown;
      try {
        rearrange(x, pattern);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EinopsError);
      expect((error as EinopsError).code).toBe("INVALID_PATTERN");
      expect((error as EinopsError).message).toMatch(/must contain "->" exactly once/);
    }
    x.dispose();
  });

  it("rejects too few dims for an ellipsis pattern", () => {
    const x = tf.zeros([2]);
    expect(() => rearrange(x, "a b ... -> b a ...")).toThrow(
      /Wrong shape: expected >=2 dims. Received 1-dim tensor./,
    );
    x.dispose();
  });

  it("leaks no tensors when it throws after parsing", () => {
    const x = tf.zeros([5, 3]);
    const before = tf.memory().numTensors;
    expect(() => rearrange(x, "(a b) c -> a b c", { b: 2 })).toThrow(EinopsError);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe("reduce with a function", () => {
  it("passes the reduced elementary axes and keeps the rest in order", () => {
    const x = tf.tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    const seen: number[][] = [];
    const y = reduce(x, "a b c -> c a", (t, axes) => {
      seen.push(axes);
      return tf.sum(t, axes);
    });
    // sum over b: a=0: [1+3, 2+4], a=1: [5+7, 6+8]; then c a order
    expect(seen).toEqual([[1]]);
    expect(y.shape).toEqual([2, 2]);
    expect(Array.from(y.dataSync())).toEqual([4, 12, 6, 14]);
    x.dispose();
    y.dispose();
  });

  it("supports any/all on bool tensors", () => {
    const x = tf.tensor([true, false, true, true], [2, 2], "bool");
    const anyY = reduce(x, "a b -> a", "any");
    const allY = reduce(x, "a b -> a", "all");
    expect(Array.from(anyY.dataSync())).toEqual([1, 1]);
    expect(Array.from(allY.dataSync())).toEqual([0, 1]);
    tf.dispose([x, anyY, allY]);
  });
});

describe("rearrange inside tf.grad", () => {
  it("passes gradients through its transpose as tf.transpose does", () => {
    const x = tf.randomNormal([2, 3, 4, 6], 0, 1, "float32", 3);
    const w = tf.randomNormal([2, 4, 3, 2, 3], 0, 1, "float32", 4);
    const pattern = "b c h (w p) -> b h w p c";
    const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(rearrange(t, pattern, { p: 2 }), w)))(x);
    const ref = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(tf.transpose(tf.reshape(t, [2, 3, 4, 3, 2]), [0, 2, 3, 4, 1]), w)),
    )(x);
    expect(Array.from(ours.dataSync())).toEqual(Array.from(ref.dataSync()));
    tf.dispose([x, w, ours, ref]);
  });
});
