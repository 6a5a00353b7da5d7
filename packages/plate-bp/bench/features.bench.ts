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
const KINDS = ["grid5x5", "easypr120", "grid5x5-deskew"] as const;
// BENCH_ROUNDS interleaved rounds (each kind over the 2,000 images 3 times per round), so that the
// host's slow and fast spells hit every kind alike; best and median over the rounds are reported.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
for (const kind of KINDS) run(kind, 3); // warm-up
const rates = new Map<FeatureKind, { wall: number; cpu: number }[]>(KINDS.map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const kind of KINDS) rates.get(kind)?.push(run(kind, 3));
}
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log(
  `32x48 gray characters → features, one thread, ${ROUNDS} interleaved rounds of 6,000 per kind; characters per CPU-second (per wall-second), best / median`,
);
for (const kind of KINDS) {
  const rs = rates.get(kind) ?? [];
  const cpu = rs.map((x) => x.cpu);
  const wall = rs.map((x) => x.wall);
  console.log(
    `${kind}: ${fmt(Math.max(...cpu))} / ${fmt(median(cpu))} (${fmt(Math.max(...wall))} / ${fmt(median(wall))})`,
  );
}
