export {
  type CheckRedisOptions,
  checkRedisForSweeps,
  type RedisCheck,
} from "./bullmq/check.js";
export {
  REDIS_CHECK_TIMEOUT_MS,
  type SweepRedisConnection,
} from "./bullmq/connection.js";
export type { AttemptRecord, StoredResult } from "./bullmq/context.js";
export {
  findRedisServer,
  type OwnedRedisServer,
  type StartRedisServerOptions,
  startRedisServer,
} from "./bullmq/redis-server.js";
export {
  type CollectedSweep,
  cancelSweep,
  collectSweep,
  type SweepQueryOptions,
  type SweepStatus,
  sweepStatus,
  sweepToJson,
  type WaitForSweepOptions,
  waitForSweep,
} from "./bullmq/status.js";
export {
  DEFAULT_SWEEP_QUEUE,
  type SubmitSweepOptions,
  type SubmitSweepResult,
  submitSweep,
  TRIAL_JOB_NAME,
  type TrialJobData,
  trialJobId,
} from "./bullmq/submit.js";
export {
  type SignalStop,
  type SweepWorker,
  type SweepWorkerEvent,
  type SweepWorkerOptions,
  startSweepWorker,
  stopOnSignals,
  type TrainableSource,
} from "./bullmq/worker.js";
