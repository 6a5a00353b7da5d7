import {
  type AshaState,
  ashaReport,
  createAshaState,
  defineSweep,
  expandTrials,
  grid,
  loguniform,
  summarizeTrials,
  type TrialResult,
} from "@trainkit/sweep";

// 3 learning rates × 2 schedules, each on 3 folds: 18 independent trials of at most 9 epochs.
const sweep = defineSweep({
  name: "quickstart",
  seed: 42,
  space: { lr: loguniform(1e-3, 1e-1), schedule: grid(["constant", "cosine"]) },
  samples: 3,
  folds: { splitter: "stratifiedKFold", nSplits: 3, shuffle: true },
  metric: { name: "val_loss", mode: "min" },
  budget: { epochs: 9 },
  scheduler: { type: "asha", gracePeriod: 1, reductionFactor: 3 },
});
const trials = expandTrials(sweep); // the same ids, seeds and configs on every run

// A stand-in for training: a loss curve that depends on the config and the fold.
const lossAfter = (lr: number, cosine: boolean, fold: number, epoch: number) =>
  Math.abs(Math.log10(lr) + 2) * 0.3 + (cosine ? 0.05 : 0.1) + 1 / epoch + fold * 0.01;

// Run the trials one after another, asking ASHA after every epoch.
let asha: AshaState = createAshaState({
  gracePeriod: 1,
  reductionFactor: 3,
  maxEpochs: sweep.budget.epochs,
  mode: sweep.metric.mode,
});
const results: TrialResult[] = trials.map((trial) => {
  const values: number[] = [];
  for (let epoch = 1; epoch <= trial.budget.epochs; epoch++) {
    const { lr, schedule } = trial.config;
    const value = lossAfter(lr as number, schedule === "cosine", trial.fold, epoch);
    values.push(value);
    const verdict = ashaReport(asha, { trialId: trial.id, epoch, value });
    asha = verdict.state;
    if (verdict.decision === "stop" && epoch < trial.budget.epochs) {
      return { id: trial.id, status: "stopped", epochs: epoch, values, attempts: 1, resumes: 0 };
    }
  }
  return { id: trial.id, status: "completed", epochs: 9, values, attempts: 1, resumes: 0 };
});

const { trials: rows, configs } = summarizeTrials(sweep, results);
for (const c of configs) {
  const lr = (c.config.lr as number).toExponential(2);
  const spread = c.std === null ? "" : ` ± ${c.std.toFixed(3)}`;
  const score = c.mean === null ? "stopped early" : `${c.mean.toFixed(3)}${spread} (${c.n} folds)`;
  console.log(`lr ${lr} ${c.config.schedule}: ${score}`);
}

export const summary = {
  trials: rows.length,
  firstId: rows[0]?.id,
  completed: rows.filter((r) => r.status === "completed").length,
  stopped: rows.filter((r) => r.status === "stopped").length,
  epochsRun: rows.reduce((sum, r) => sum + r.epochs, 0),
  configsWithMean: configs.filter((c) => c.mean !== null).length,
};
console.log(summary);
