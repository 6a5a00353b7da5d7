import type { TensorflowBackendLike } from "./tensorflow-binding.js";

/** oneDNN's workspace of one pooled output: a TensorFlow handle the binding owns. */
export interface PoolingWorkspace {
  /** The binding's handle id of the workspace tensor. */
  id: number;
  /** The pooling it belongs to: window, strides, padding and input shape. */
  key: string;
  /** The dataId of the input it was computed from. */
  input: object;
}

interface Entry extends PoolingWorkspace {
  backend: TensorflowBackendLike;
}

/** Workspaces of live pooled outputs, by the output's dataId. */
const kept = new Map<object, Entry>();
/** Backends whose disposeData frees the workspaces of the data it releases. */
const watched = new WeakSet<object>();

/**
 * Makes the backend free a pooled output's workspace when it releases the output's data (its
 * last reference: tfjs's clone shares data, so the gradient's saved copy keeps it alive too).
 * Idempotent per backend instance.
 */
export function watchDisposals(backend: TensorflowBackendLike): void {
  if (watched.has(backend)) return;
  const disposeData = backend.disposeData.bind(backend);
  backend.disposeData = (dataId: object, force?: boolean): boolean => {
    const released = disposeData(dataId, force);
    if (released) {
      const entry = kept.get(dataId);
      if (entry !== undefined) {
        kept.delete(dataId);
        entry.backend.binding.deleteTensor(entry.id);
      }
    }
    return released;
  };
  watched.add(backend);
}

/** Keeps a workspace beside a pooled output until the backend releases the output's data. */
export function keepWorkspace(
  backend: TensorflowBackendLike,
  output: object,
  workspace: PoolingWorkspace,
): void {
  watchDisposals(backend);
  kept.set(output, { ...workspace, backend });
}

/** The workspace kept for this output, if it was computed for this pooling of this input. */
export function keptWorkspace(output: object, key: string, input: object): number | undefined {
  const entry = kept.get(output);
  return entry !== undefined && entry.key === key && entry.input === input ? entry.id : undefined;
}

/** How many workspaces are kept now (for leak checks: 0 once every pooled output is disposed). */
export function keptPoolingWorkspaces(): number {
  return kept.size;
}
