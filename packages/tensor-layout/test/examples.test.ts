import * as tf from "@tensorflow/tfjs-core";
import { expect, it } from "vitest";
import { quickstart } from "../examples/quickstart.js";

it("runs the README quick start", async () => {
  const log = console.log;
  console.log = () => {};
  let r: Awaited<ReturnType<typeof quickstart>>;
  try {
    r = await quickstart();
  } finally {
    console.log = log;
  }
  expect(r.perm).toEqual([0, 2, 3, 1]);
  expect(r.nhwc.shape).toEqual([8, 32, 32, 3]);
  expect(r.chw.shape).toEqual([3, 1, 2]);
  expect(Array.from(r.chw.data)).toEqual([255, 0, 0, 255, 0, 0]);
  expect(r.patches.shape).toEqual([8, 16, 192]);
  expect(r.pooled.shape).toEqual([8, 3]);
  expect(r.warnings).toEqual([]);
  expect(r.assignments.find((a) => a.torchKey === "4.weight")?.conversion).toBe(
    "o (c h w) -> (h w c) o with c=4, h=8, w=8",
  );
  tf.dispose([r.batch, r.nhwc, r.patches, r.pooled, ...Object.values(r.stateDict)]);
  r.model.dispose();
});
