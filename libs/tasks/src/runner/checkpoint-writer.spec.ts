import { CheckpointWriter, type Checkpoint } from './checkpoint-writer';

describe('CheckpointWriter', () => {
  it('writes one at a time, skips superseded checkpoints, and keeps the newest partial', async () => {
    const written: Checkpoint[] = [];
    let release!: () => void;
    const writer = new CheckpointWriter(async (checkpoint) => {
      written.push(checkpoint);
      if (written.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = writer.submit({ progress: { done: 1, total: 4 }, partial: 'p1' });
    const second = writer.submit({ progress: { done: 2, total: 4 }, partial: 'p2' });
    const third = writer.submit({ progress: { done: 3, total: 4 } });
    release();
    await Promise.all([first, second, third]);
    expect(written).toEqual([
      { progress: { done: 1, total: 4 }, partial: 'p1' },
      { progress: { done: 3, total: 4 }, partial: 'p2' },
    ]);
  });

  it('rejects the waiting callers when a write fails', async () => {
    const writer = new CheckpointWriter(() => Promise.reject(new Error('lost the task')));
    await expect(writer.submit({ progress: { done: 1, total: 1 } })).rejects.toThrow('lost the task');
    await expect(writer.submit({ progress: { done: 1, total: 1 } })).rejects.toThrow('lost the task');
  });
});
