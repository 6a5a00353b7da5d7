import {
  AspectRatioGroupedSampler,
  createImage,
  epochPaddingReport,
  padBatch,
  paddingWaste,
  resizedSize,
} from "@trainkit/batching";

// Two photos, 640x480 and its portrait twin, through torchvision's 800/1333 rule.
const landscape = resizedSize([480, 640], { scalePrecision: "float64" }).size; // [800, 1066]
const portrait = resizedSize([640, 480], { scalePrecision: "float64" }).size; // [1066, 800]
const mixed = paddingWaste([landscape, portrait]); // pads to 1088x1088
const same = paddingWaste([landscape, landscape]); // pads to 800x1088
console.log(
  `mixed: ${(mixed.waste * 100).toFixed(1)}% padding, grouped: ${(same.waste * 100).toFixed(1)}%`,
);

// Pad real pixels: images are HWC typed arrays; the mask marks real pixels.
const a = createImage(new Float32Array(2 * 3).fill(1), 2, 3);
const b = createImage(new Float32Array(3 * 2).fill(2), 3, 2);
const { batch, imageSizes, mask } = padBatch([a, b], { sizeDivisible: 4 });
console.log(
  batch.shape,
  imageSizes,
  mask.data.reduce((s, v) => s + v, 0),
); // [2,4,4,1] [[2,3],[3,2]] 12

// Batch a data set by aspect ratio (seeded; every index once per epoch).
const sizes = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? portrait : landscape));
const sampler = new AspectRatioGroupedSampler(sizes, { batchSize: 2, seed: 42 });
sampler.setEpoch(0);
for (const indices of sampler) console.log(indices);

// What an epoch costs in padding: random batches vs grouped vs batch size 1.
const report = epochPaddingReport(sizes, { batchSize: 2, seed: 42 });
console.log(report.random.waste, report.grouped.waste, report.batchSizeOne.waste);

export { mixed, report, same };
