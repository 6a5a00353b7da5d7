// Writes fixtures/feature-regression.json and fixtures/deskew-features-sample.f32 from the
// current implementation (run once, before a rewrite of the feature path; never to make a
// failing regression test pass):
//   npx tsx --conditions=@trainkit/source test/make-feature-fixture.ts
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { computeDigests, deskewSample } from "./feature-corpus.js";

export const SAMPLE_STEP = 16;

const d = computeDigests();
const sample = deskewSample(d.rendered, SAMPLE_STEP);
const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
writeFileSync(`${fixtures}deskew-features-sample.f32`, new Uint8Array(sample.buffer));
const { rendered: _, ...record } = d;
writeFileSync(
  `${fixtures}feature-regression.json`,
  `${JSON.stringify(
    {
      note: "SHA-256 of the Float32 features (little-endian, concatenated) of the corpus in test/feature-corpus.ts, written by test/make-feature-fixture.ts with the implementation of commit 3a64320 (the one the shipped digits-deskew model was trained with; only the width-1 hang of flattenLighting fixed), before the single-pass grid5x5-deskew path. deskew-features-sample.f32 holds the grid5x5-deskew features of every 16th rendered image.",
      sampleStep: SAMPLE_STEP,
      ...record,
    },
    null,
    2,
  )}\n`,
);
console.log(record);
