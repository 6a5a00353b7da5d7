// Feature extraction throughput on one core: gray 32x48 character images through
// Otsu binarisation, automatic polarity, bounding-box crop and the features.
//   npm run bench -w @trainkit/plate-bp
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  extractFeatures,
  type FeatureKind,
  type GrayImage,
  loadFont,
  PLATE_ALPHANUMERICS,
  renderCharacter,
} from "../src/index.js";

const require = createRequire(import.meta.url);
const fontFile = join(
  dirname(require.resolve("@expo-google-fonts/roboto-condensed/package.json")),
  "400Regular",
  "RobotoCondensed_400Regular.ttf",
);
const font = loadFont(fontFile);
const images: GrayImage[] = [];
for (let i = 0; i < 2000; i++) {
  images.push(
    renderCharacter(font, PLATE_ALPHANUMERICS[i % 34] as string, { augment: "mild", seed: i }),
  );
}

function run(kind: FeatureKind, rounds: number): number {
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++)
    for (const img of images) sink += extractFeatures(img, { features: kind })[3] as number;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (sink < 0) console.log(sink);
  return (rounds * images.length) / s;
}

for (const kind of ["grid5x5", "easypr120"] as const) {
  run(kind, 3); // warm-up
  const best = Math.max(run(kind, 10), run(kind, 10), run(kind, 10));
  console.log(
    `${kind}: ${Math.round(best).toLocaleString("en-US")} characters/s (32x48 gray → features, one core, best of 3 x 20,000)`,
  );
}
