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

// PLATE_BP_BENCH_FONT: another TTF (used when the bench runs as a bundle away from node_modules)
const fontFile =
  process.env.PLATE_BP_BENCH_FONT ??
  join(
    dirname(
      createRequire(import.meta.url).resolve("@expo-google-fonts/roboto-condensed/package.json"),
    ),
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

// Rates per second of wall time and per second of this process's CPU time (user + system):
// the second is the one-core figure even when other processes share the machine.
function run(kind: FeatureKind, rounds: number): { wall: number; cpu: number } {
  let sink = 0;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) {
    for (const img of images) sink += extractFeatures(img, { features: kind })[3] as number;
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  if (sink < 0) console.log(sink);
  const n = rounds * images.length;
  return { wall: n / wall, cpu: n / ((c.user + c.system) / 1e6) };
}

const fmt = (v: number) => Math.round(v).toLocaleString("en-US");
for (const kind of ["grid5x5", "easypr120", "grid5x5-deskew"] as const) {
  run(kind, 3); // warm-up
  const runs = [run(kind, 10), run(kind, 10), run(kind, 10)];
  const wall = Math.max(...runs.map((r) => r.wall));
  const cpu = Math.max(...runs.map((r) => r.cpu));
  console.log(
    `${kind}: ${fmt(cpu)} characters per CPU-second (${fmt(wall)} per wall-second); 32x48 gray → features, best of 3 x 20,000`,
  );
}
