export {
  type CheckRedisOptions,
  checkRedisForSweeps,
  type RedisCheck,
} from "./bullmq/check.js";
export {
  REDIS_CHECK_TIMEOUT_MS,
  type SweepRedisConnection,
} from "./bullmq/connection.js";
export {
  DEFAULT_SWEEP_QUEUE,
  type SubmitSweepOptions,
  type SubmitSweepResult,
  submitSweep,
  TRIAL_JOB_NAME,
  type TrialJobData,
  trialJobId,
} from "./bullmq/submit.js";
