import { SplitError } from "../errors.js";
import { approximateMode } from "./approximate-mode.js";
import { checkNoSingletons, type EncodedLabels } from "./labels.js";
import { type Rng, randomBelow } from "./rng.js";

const TWO_32 = 4294967296;
const TWO_21 = 2097152;
const INV_TWO_32 = 1 / TWO_32;

/** The count checks StratifiedShuffleSplit makes before drawing. */
export function checkStratifiable(labels: EncodedLabels, nTrain: number, nTest: number): void {
  checkNoSingletons(labels);
  const nClasses = labels.classes.length;
  if (nTrain < nClasses) {
    throw new SplitError(
      "TOO_FEW_FOR_CLASSES",
      `The train_size = ${nTrain} should be greater or equal to the number of classes = ${nClasses}. Increase trainSize so every class can appear in train.`,
    );
  }
  if (nTest < nClasses) {
    throw new SplitError(
      "TOO_FEW_FOR_CLASSES",
      `The test_size = ${nTest} should be greater or equal to the number of classes = ${nClasses}. Increase testSize so every class can appear in test.`,
    );
  }
}

/**
 * Picks, per class, `nI` members for train and `tI` for test (train allocated first, test from
 * what is left, both by the largest-remainder rule) as a uniformly random subset. Returns the
 * chosen source rows in ascending order; the caller shuffles each set.
 */
export function stratifiedSelect(
  labels: EncodedLabels,
  nTrain: number,
  nTest: number,
  rng: Rng,
): { train: Int32Array; test: Int32Array } {
  const counts = labels.counts;
  const nI = approximateMode(counts, nTrain, rng);
  const left = new Int32Array(counts.length);
  for (let c = 0; c < counts.length; c++) left[c] = (counts[c] as number) - (nI[c] as number);
  const tI = approximateMode(left, nTest, rng);
  const remaining = counts.slice();
  const train = new Int32Array(nTrain);
  const test = new Int32Array(nTest);
  let a = 0;
  let b = 0;
  const ids = labels.ids;
  const n = ids.length;
  // Sequential selection sampling, three ways: every split of each class into
  // (nI train, tI test, rest dropped) is equally likely. Row i of a class with m rows left, r of
  // them still due to train and s to test, goes to train with probability r/m and to test with
  // probability s/m, drawn as u uniform in [0, m) by Lemire's multiply-shift with rejection.
  for (let i = 0; i < n; i++) {
    const c = ids[i] as number;
    const r = nI[c] as number;
    const s = tI[c] as number;
    const m = remaining[c] as number;
    remaining[c] = m - 1;
    const due = r + s;
    if (due === 0) continue;
    let u: number;
    if (due === m && (r === 0 || s === 0)) {
      u = 0; // every row left goes to the one set still due (train if r > 0, else test)
    } else if (m <= TWO_21) {
      let prod = (rng.next() >>> 0) * m;
      u = Math.floor(prod * INV_TWO_32);
      let low = prod - u * TWO_32;
      if (low < m) {
        const threshold = (TWO_32 - m) % m;
        while (low < threshold) {
          prod = (rng.next() >>> 0) * m;
          u = Math.floor(prod * INV_TWO_32);
          low = prod - u * TWO_32;
        }
      }
    } else {
      u = randomBelow(rng, m);
    }
    if (u < r) {
      nI[c] = r - 1;
      train[a++] = i;
    } else if (u < due) {
      tI[c] = s - 1;
      test[b++] = i;
    }
  }
  return { train, test };
}
