import { Injectable } from '@nestjs/common';

export type RunAbortKind =
  /** DELETE /tasks/:id (the Redis signal). */
  | 'cancelled'
  /** The row is no longer this run's: cancelled, or taken over after this worker lost its lock. */
  | 'released'
  /** The worker is stopping and its drain time is up: the task goes back to the queue. */
  | 'shutdown';

/** The reason a run's AbortSignal carries. */
export class RunAborted extends Error {
  constructor(readonly kind: RunAbortKind) {
    super(`task run aborted: ${kind}`);
    this.name = 'RunAborted';
  }
}

export interface ActiveRun {
  taskId: string;
  runId: string;
}

/** The runs in progress in this worker process, each with the controller that aborts it. */
@Injectable()
export class ActiveRuns {
  private readonly runs = new Map<string, { runId: string; controller: AbortController }>();

  start(taskId: string, runId: string): AbortController {
    const controller = new AbortController();
    this.runs.get(taskId)?.controller.abort(new RunAborted('released'));
    this.runs.set(taskId, { runId, controller });
    return controller;
  }

  end(taskId: string, runId: string): void {
    if (this.runs.get(taskId)?.runId === runId) this.runs.delete(taskId);
  }

  /** @returns true when the task was running here */
  abort(taskId: string, kind: RunAbortKind): boolean {
    const run = this.runs.get(taskId);
    if (!run) return false;
    run.controller.abort(new RunAborted(kind));
    return true;
  }

  abortAll(kind: RunAbortKind): void {
    for (const taskId of this.runs.keys()) this.abort(taskId, kind);
  }

  list(): ActiveRun[] {
    return [...this.runs].map(([taskId, { runId }]) => ({ taskId, runId }));
  }

  get size(): number {
    return this.runs.size;
  }
}

export function abortKindOf(signal: AbortSignal): RunAbortKind | undefined {
  return signal.aborted && signal.reason instanceof RunAborted ? signal.reason.kind : undefined;
}
