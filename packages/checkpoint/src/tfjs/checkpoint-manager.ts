import { mkdir, readdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { isTempFileName, syncDirectory, writeFileAtomic } from "../atomic-write.js";
import { readCheckpointInfo, type TrainingState, verifyCheckpoint } from "../checkpoint-format.js";
import { CheckpointError } from "../errors.js";
import {
  type LoadCheckpointArgs,
  type LoadedCheckpoint,
  loadCheckpoint,
} from "./load-checkpoint.js";
import {
  type SaveCheckpointArgs,
  type SavedCheckpoint,
  saveCheckpoint,
} from "./save-checkpoint.js";

export interface CheckpointManagerOptions {
  /** directory holding the checkpoints (created if missing) */
  dir: string;
  /** keep the newest K checkpoints (default 3, at least 1) */
  maxToKeep?: number;
  /** also keep every checkpoint whose step is a multiple of this */
  keepEvery?: number;
  /** metric name in `metrics` used to keep the best checkpoints */
  monitor?: string;
  /** "min" (default, e.g. a loss) or "max" (e.g. accuracy) */
  mode?: "min" | "max";
  /** how many best-by-metric checkpoints to keep besides the newest (default 1 when monitor is set) */
  keepBest?: number;
  /** maybeSave() saves when step % saveEverySteps === 0 */
  saveEverySteps?: number;
  /** maybeSave() saves at the end of every N-th epoch */
  saveEveryEpochs?: number;
  /** file name prefix (default "ckpt") */
  prefix?: string;
  /** fsync files and directory (default true) */
  durable?: boolean;
  /**
   * shouldSave() / maybeSave() skip a save while less than this many milliseconds have passed
   * since this manager's last save (its first is never skipped); save() itself always saves. For
   * short epochs: checkpoint I/O stays a small share of the time, and a crash redoes at most about
   * this much work. Default 0.
   */
  minIntervalMs?: number;
  /**
   * Called before every save, before anything is written; when it throws (or rejects), the save
   * fails with that error and the directory is left as it was. A fencing hook: a worker that may
   * have lost its job to another one (a sweep's trial) checks here that it still owns it.
   */
  beforeSave?: (at: { step: number; epoch: number }) => void | Promise<void>;
}

export interface CheckpointEntry {
  path: string;
  file: string;
  step: number;
  epoch: number;
  metrics: Record<string, number>;
  state: TrainingState;
}

export const LAST_POINTER = "last";

/**
 * Saves checkpoints into one directory and decides which to keep: the newest
 * `maxToKeep`, the best `keepBest` by a metric read from headers only, and every
 * `keepEvery`-th step. `latest()` returns the newest checkpoint that passes full
 * verification (structure and CRC-32), skipping temp files and corrupt files, so a
 * crash at any moment leaves something to resume from.
 */
export class CheckpointManager {
  readonly dir: string;
  readonly maxToKeep: number;
  readonly keepEvery: number | undefined;
  readonly monitor: string | undefined;
  readonly mode: "min" | "max";
  readonly keepBest: number;
  readonly saveEverySteps: number | undefined;
  readonly saveEveryEpochs: number | undefined;
  readonly prefix: string;
  readonly durable: boolean;
  readonly minIntervalMs: number;
  private lastSaveAt: number | null = null;
  private readonly beforeSave: CheckpointManagerOptions["beforeSave"];
  private readonly pattern: RegExp;

  constructor(options: CheckpointManagerOptions) {
    if (
      options === null ||
      typeof options !== "object" ||
      typeof options.dir !== "string" ||
      options.dir === ""
    ) {
      throw new CheckpointError(
        "INVALID_ARGUMENT",
        "CheckpointManager needs { dir }: the directory to keep checkpoints in.",
      );
    }
    const positive = (name: string, v: number | undefined, min: number) => {
      if (v !== undefined && (!Number.isSafeInteger(v) || v < min)) {
        throw new CheckpointError(
          "INVALID_ARGUMENT",
          `${name} is ${JSON.stringify(v)}; it must be an integer >= ${min}.`,
        );
      }
      return v;
    };
    this.dir = options.dir;
    this.maxToKeep = positive("maxToKeep", options.maxToKeep, 1) ?? 3;
    this.keepEvery = positive("keepEvery", options.keepEvery, 1);
    this.keepBest = positive("keepBest", options.keepBest, 0) ?? (options.monitor ? 1 : 0);
    this.saveEverySteps = positive("saveEverySteps", options.saveEverySteps, 1);
    this.saveEveryEpochs = positive("saveEveryEpochs", options.saveEveryEpochs, 1);
    if (options.mode !== undefined && options.mode !== "min" && options.mode !== "max") {
      throw new CheckpointError(
        "INVALID_ARGUMENT",
        `mode is ${JSON.stringify(options.mode)}; use "min" or "max".`,
      );
    }
    this.mode = options.mode ?? "min";
    this.monitor = options.monitor;
    if (this.keepBest > 0 && this.monitor === undefined) {
      throw new CheckpointError(
        "INVALID_ARGUMENT",
        `keepBest is ${this.keepBest} but no monitor is set; pass monitor: "<metric name>" (e.g. "val_loss").`,
      );
    }
    this.prefix = options.prefix ?? "ckpt";
    if (!/^[A-Za-z0-9_-]+$/.test(this.prefix)) {
      throw new CheckpointError(
        "INVALID_ARGUMENT",
        `prefix ${JSON.stringify(this.prefix)} may only use letters, digits, "_" and "-".`,
      );
    }
    this.durable = options.durable ?? true;
    if (options.beforeSave !== undefined && typeof options.beforeSave !== "function") {
      throw new CheckpointError(
        "INVALID_ARGUMENT",
        `beforeSave is ${typeof options.beforeSave}; give a function (or leave it out).`,
      );
    }
    this.beforeSave = options.beforeSave;
    const interval = options.minIntervalMs ?? 0;
    if (typeof interval !== "number" || !Number.isFinite(interval) || interval < 0) {
      throw new CheckpointError(
        "INVALID_ARGUMENT",
        `minIntervalMs is ${JSON.stringify(interval)}; it must be a number of milliseconds >= 0.`,
      );
    }
    this.minIntervalMs = interval;
    this.pattern = new RegExp(`^${this.prefix}-(\\d+)\\.safetensors$`);
  }

  /** The file name for a step: `<prefix>-<step, 10 digits>.safetensors`. */
  fileName(step: number): string {
    return `${this.prefix}-${String(step).padStart(10, "0")}.safetensors`;
  }

  /** True when maybeSave() would save at this point. */
  shouldSave(at: { step: number; epoch: number; epochEnd?: boolean }): boolean {
    if (this.lastSaveAt !== null && Date.now() - this.lastSaveAt < this.minIntervalMs) return false;
    if (this.saveEverySteps !== undefined && at.step % this.saveEverySteps === 0) return true;
    if (
      this.saveEveryEpochs !== undefined &&
      at.epochEnd === true &&
      at.epoch % this.saveEveryEpochs === 0
    ) {
      return true;
    }
    return (
      this.saveEverySteps === undefined &&
      this.saveEveryEpochs === undefined &&
      at.epochEnd === true
    );
  }

  /** Saves when shouldSave() says so (every N steps, or at the end of every N-th epoch). */
  async maybeSave(
    args: SaveCheckpointArgs & { epochEnd?: boolean },
  ): Promise<SavedCheckpoint | null> {
    return this.shouldSave(args) ? this.save(args) : null;
  }

  /** Saves a checkpoint (atomically), updates the `last` pointer, then applies retention. */
  async save(args: SaveCheckpointArgs): Promise<SavedCheckpoint & { removed: string[] }> {
    await this.beforeSave?.({ step: args.step, epoch: args.epoch });
    await mkdir(this.dir, { recursive: true });
    const file = this.fileName(args.step);
    const saved = await saveCheckpoint(join(this.dir, file), {
      ...args,
      durable: args.durable ?? this.durable,
    });
    await writeFileAtomic(join(this.dir, LAST_POINTER), [new TextEncoder().encode(`${file}\n`)], {
      durable: this.durable,
    });
    this.lastSaveAt = Date.now();
    const removed = await this.applyRetention(file);
    return { ...saved, removed };
  }

  private async candidateFiles(): Promise<{ file: string; step: number }[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
    const out: { file: string; step: number }[] = [];
    for (const file of names) {
      if (isTempFileName(file)) continue;
      const m = this.pattern.exec(file);
      if (m) out.push({ file, step: Number(m[1]) });
    }
    return out.sort((a, b) => a.step - b.step);
  }

  private async entry(file: string, full: boolean): Promise<CheckpointEntry | null> {
    const path = join(this.dir, file);
    try {
      const info = full ? await verifyCheckpoint(path) : await readCheckpointInfo(path);
      if (info.kind !== "training" || info.state === null) return null;
      return {
        path,
        file,
        step: info.state.step,
        epoch: info.state.epoch,
        metrics: info.state.metrics ?? {},
        state: info.state,
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      if ((err as Error).name === "SafetensorsError" || (err as Error).name === "CheckpointError")
        return null;
      throw err;
    }
  }

  /** Checkpoints whose headers are valid, oldest first (tensor data not read). */
  async list(): Promise<CheckpointEntry[]> {
    const out: CheckpointEntry[] = [];
    for (const { file } of await this.candidateFiles()) {
      const e = await this.entry(file, false);
      if (e !== null) out.push(e);
    }
    return out;
  }

  /** The newest checkpoint that passes full verification (structure + CRC-32), or null. */
  async latest(): Promise<CheckpointEntry | null> {
    const files = await this.candidateFiles();
    for (let i = files.length - 1; i >= 0; i--) {
      const e = await this.entry((files[i] as { file: string }).file, true);
      if (e !== null) return e;
    }
    return null;
  }

  /** The best checkpoint by `monitor` (headers only), or null when none has the metric. */
  async best(): Promise<CheckpointEntry | null> {
    if (this.monitor === undefined) {
      throw new CheckpointError(
        "INVALID_ARGUMENT",
        "best() needs the monitor option (a metric name).",
      );
    }
    return this.rankByMetric(await this.list())[0] ?? null;
  }

  private rankByMetric(entries: CheckpointEntry[]): CheckpointEntry[] {
    const m = this.monitor as string;
    const sign = this.mode === "min" ? 1 : -1;
    return entries
      .filter((e) => typeof e.metrics[m] === "number" && !Number.isNaN(e.metrics[m]))
      .sort(
        (a, b) => sign * ((a.metrics[m] as number) - (b.metrics[m] as number)) || b.step - a.step,
      );
  }

  /** Loads the newest valid checkpoint into model (and optimizer); null when there is none. */
  async restore(args: LoadCheckpointArgs): Promise<(LoadedCheckpoint & { path: string }) | null> {
    const e = await this.latest();
    if (e === null) return null;
    return { ...(await loadCheckpoint(e.path, args)), path: e.path };
  }

  /** Deletes leftover temp files of interrupted saves. Call it only when no save is running. */
  async removeTempFiles(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const f of names) {
      if (isTempFileName(f)) {
        await unlink(join(this.dir, f)).catch(() => {});
        removed.push(f);
      }
    }
    return removed;
  }

  private async applyRetention(justSaved: string): Promise<string[]> {
    const entries = await this.list();
    const keep = new Set<string>([justSaved]);
    for (const e of entries.slice(-this.maxToKeep)) keep.add(e.file);
    if (this.keepEvery !== undefined) {
      for (const e of entries) if (e.step % this.keepEvery === 0) keep.add(e.file);
    }
    if (this.monitor !== undefined && this.keepBest > 0) {
      for (const e of this.rankByMetric(entries).slice(0, this.keepBest)) keep.add(e.file);
    }
    const removed: string[] = [];
    for (const e of entries) {
      if (keep.has(e.file)) continue;
      await unlink(e.path).catch(() => {});
      removed.push(e.file);
    }
    if (removed.length > 0 && this.durable) await syncDirectory(this.dir);
    return removed;
  }
}
