import type { TaskProgress } from '../handlers/task-handler';

export interface Checkpoint {
  progress: TaskProgress;
  partial?: unknown;
}

/**
 * Writes checkpoints one at a time, newest wins: while a write is in flight only the latest checkpoint
 * waits, so a fast batch costs a bounded number of writes and an older partial result never overwrites
 * a newer one. Every caller's promise settles once its checkpoint (or a newer one) is written.
 */
export class CheckpointWriter {
  private latest?: Checkpoint;
  private flushing?: Promise<void>;

  constructor(private readonly write: (checkpoint: Checkpoint) => Promise<void>) {}

  submit(checkpoint: Checkpoint): Promise<void> {
    const partial = 'partial' in checkpoint ? checkpoint.partial : this.latest?.partial;
    this.latest =
      partial === undefined ? { progress: checkpoint.progress } : { progress: checkpoint.progress, partial };
    this.flushing ??= this.flush();
    return this.flushing;
  }

  private async flush(): Promise<void> {
    try {
      while (this.latest) {
        const next = this.latest;
        this.latest = undefined;
        await this.write(next);
      }
    } finally {
      this.flushing = undefined;
    }
  }
}
