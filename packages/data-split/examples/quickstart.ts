import {
  assertDisjoint,
  KFold,
  planSplit,
  StratifiedKFold,
  splitTogether,
  trainTestSplit,
} from "@trainkit/data-split";

// 100 samples, 3 features each, as one row-major block; labels 0/1.
const n = 100;
const X = { data: Float32Array.from({ length: n * 3 }, (_, i) => i), shape: [n, 3] };
const y = Int32Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 1 : 0));

// One call, every array split with the same rows: X row i stays with label i.
const [XTrain, XTest, yTrain, yTest] = trainTestSplit([X, y], {
  testSize: 0.2,
  seed: 42,
  stratify: y,
});

// The named form also returns the source indices and the seed.
const { train, test, indices } = splitTogether(
  { x: X, y },
  { testSize: 0.2, seed: 42, stratify: "y" },
);
assertDisjoint(indices.train, indices.test);

// Arrays that arrive separately: draw the plan once, apply it to each.
const plan = planSplit(n, { testSize: 0.2, seed: 42 });
const ids = plan.apply(Array.from({ length: n }, (_, i) => `sample-${i}`));

// Cross-validation: Int32Array indices, ready for tf.gather.
const folds = [...new StratifiedKFold({ nSplits: 5, shuffle: true, seed: 0 }).split(X, y)];
const kfoldSizes = [...new KFold({ nSplits: 5 }).split(X)].map((s) => s.test.length);

export const summary = {
  trainRows: XTrain.shape[0],
  testRows: XTest.shape[0],
  positivesInTest: yTest.filter((v) => v === 1).length,
  positivesInTrain: yTrain.filter((v) => v === 1).length,
  namedTestRows: test.y.length,
  namedTrainRows: train.x.shape[0],
  planTestRows: ids.test.length,
  folds: folds.length,
  kfoldSizes,
};
console.log(summary);
