// The features must not move: the shipped models were trained on them. The corpus
// (test/feature-corpus.ts) is re-rendered here and every feature vector is compared, bit for bit,
// with the digests and the sample recorded from the implementation the models were trained with
// (fixtures/feature-regression.json, fixtures/deskew-features-sample.f32).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { computeDigests, deskewSample } from "./feature-corpus.js";

const fixtures = new URL("../fixtures/", import.meta.url);
const recorded = JSON.parse(readFileSync(new URL("feature-regression.json", fixtures), "utf8")) as {
  sampleStep: number;
  renderedCount: number;
  syntheticCount: number;
  renderedImages: string;
  syntheticImages: string;
  features: Record<string, string>;
};
const raw = readFileSync(new URL("deskew-features-sample.f32", fixtures));
const recordedSample = new Float32Array(
  raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length),
);

describe("feature regression corpus", () => {
  const now = computeDigests();

  it("renders the same images as when the fixture was recorded", () => {
    expect(now.renderedCount).toBe(recorded.renderedCount);
    expect(now.syntheticCount).toBe(recorded.syntheticCount);
    expect(now.renderedImages).toBe(recorded.renderedImages);
    expect(now.syntheticImages).toBe(recorded.syntheticImages);
  });

  it("gives bit-identical grid5x5-deskew features on a stored sample", () => {
    const sample = deskewSample(now.rendered, recorded.sampleStep);
    expect(sample.length).toBe(recordedSample.length);
    let firstDiff = -1;
    for (let i = 0; i < sample.length && firstDiff < 0; i++)
      if (!Object.is(sample[i], recordedSample[i])) firstDiff = i;
    expect(firstDiff, `first differing value at image ${Math.floor(firstDiff / 25)}`).toBe(-1);
  });

  it("gives bit-identical features for every kind and option set", () => {
    expect(now.features).toEqual(recorded.features);
  });
});
