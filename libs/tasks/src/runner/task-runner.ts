import { AppConfig } from '@app/config';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { describeFailure, taskErrorOf, type TaskFailure } from '../core/task-failure';
import type { TaskStatus } from '../core/task-status';
import type { Task } from '../core/task.entity';
import { TaskSignals } from '../events/task-signals';
import type { TaskContext, TaskHandler, TaskProgress } from '../handlers/task-handler';
import { TaskRegistry } from '../handlers/task-registry';
import type { JobDelivery, JobVerdict } from '../queue/job-verdict';
import { TaskQueues, WEBHOOK_QUEUE } from '../queue/task-queues';
import { abortKindOf, ActiveRuns, type ActiveRun } from './active-runs';
import { CheckpointWriter } from './checkpoint-writer';
import { TASK_CHAT_RUNNER, type TaskChatRunner } from './task-chat-runner';
import { TaskRunStore, type RunEnd } from './task-run.store';
import { WORKER_ID } from './worker-identity';

/** One run of one task in this process. */
interface Run extends ActiveRun {
  task: Task;
  delivery: JobDelivery;
  startedAt: number;
  progress: TaskProgress;
}

type HandlerOutcome = { ok: true; result: unknown } | { ok: false; error: unknown };

/**
 * Runs one delivery of a task's job: claims the row under a fresh run id, runs the handler with an abort
 * signal (cancel, takeover, shutdown), keeps progress and partial results, and finishes the row. Every
 * write is fenced by the run id, so whatever the queue does twice takes effect once.
 */
@Injectable()
export class TaskRunner {
  private readonly logger = new Logger('TaskRunner');

  constructor(
    private readonly store: TaskRunStore,
    private readonly registry: TaskRegistry,
    private readonly active: ActiveRuns,
    private readonly signals: TaskSignals,
    private readonly queues: TaskQueues,
    private readonly config: AppConfig,
    @Inject(TASK_CHAT_RUNNER) private readonly chat: TaskChatRunner,
  ) {}

  async run(delivery: JobDelivery): Promise<JobVerdict> {
    const runId = randomUUID();
    const task = await this.store.claim(delivery.taskId, runId, WORKER_ID);
    if (!task) return { kind: 'finished' };
    const run: Run = {
      taskId: task.id,
      runId,
      task,
      delivery,
      startedAt: Date.now(),
      progress: { done: task.progressDone, total: task.progressTotal },
    };
    const handler = this.registry.find(task.type);
    let input: unknown;
    try {
      if (!handler) throw new Error(`unknown task type "${task.type}"`);
      input = handler.parseInput(task.input, this.config.tasks);
    } catch (error) {
      return this.fail(run, { ...describeFailure(error), retryable: false }, error);
    }
    await this.publish(run, 'running');
    const controller = this.active.start(run.taskId, run.runId);
    try {
      const outcome = await this.runHandler(handler!, input, run, controller.signal);
      return await this.conclude(run, outcome, controller.signal);
    } finally {
      this.active.end(run.taskId, run.runId);
    }
  }

  private async runHandler(
    handler: TaskHandler,
    input: unknown,
    run: Run,
    signal: AbortSignal,
  ): Promise<HandlerOutcome> {
    const { task } = run;
    const checkpoints = new CheckpointWriter(async ({ progress, partial }) => {
      if (await this.checkpoint(run, progress, partial)) return;
      this.active.abort(run.taskId, 'released');
      signal.throwIfAborted();
    });
    const context: TaskContext = {
      taskId: task.id,
      signal,
      resumeFrom: task.result ?? null,
      chat: {
        complete: async (request) =>
          (
            await this.chat.complete(request, {
              userId: task.ownerId,
              requestedBy: task.requestedBy,
              taskId: task.id,
              signal,
            })
          ).response,
      },
      checkpoint: (progress, partial) =>
        checkpoints.submit(partial === undefined ? { progress } : { progress, partial }),
    };
    try {
      return { ok: true, result: await handler.run(input, context) };
    } catch (error) {
      return { ok: false, error };
    }
  }

  private async conclude(run: Run, outcome: HandlerOutcome, signal: AbortSignal): Promise<JobVerdict> {
    if (outcome.ok) {
      await this.end(run, { status: 'succeeded', result: outcome.result });
      return { kind: 'finished' };
    }
    const aborted = abortKindOf(signal);
    if (aborted === 'shutdown') {
      if (await this.store.requeue(run, null)) await this.publish(run, 'queued');
      return { kind: 'returned' };
    }
    if (aborted) {
      this.logger.log(
        { taskId: run.taskId, reason: aborted },
        'task run stopped: the task is no longer this run’s',
      );
      return { kind: 'finished' };
    }
    return this.fail(run, describeFailure(outcome.error), outcome.error);
  }

  private async fail(run: Run, failure: TaskFailure, cause: unknown): Promise<JobVerdict> {
    if (failure.unexpected)
      this.logger.error({ taskId: run.taskId, err: cause }, 'task run failed unexpectedly');
    const reason = `${failure.code}: ${failure.message}`;
    const { attemptsMade, maxAttempts } = run.delivery;
    if (!failure.retryable || attemptsMade + 1 >= maxAttempts) {
      await this.end(run, { status: 'failed', error: taskErrorOf(failure) });
      return { kind: 'failed', reason };
    }
    if (await this.store.requeue(run, taskErrorOf(failure))) await this.publish(run, 'queued');
    this.logger.warn(
      { taskId: run.taskId, code: failure.code, attempt: attemptsMade + 1 },
      'task run failed; will retry',
    );
    return { kind: 'retry', reason };
  }

  private async end(run: Run, end: RunEnd): Promise<void> {
    if (!(await this.store.finish(run, end))) return;
    // logged as soon as the end is stored: a worker killed during the notifications below has still said it
    this.logger.log(
      {
        taskId: run.taskId,
        type: run.task.type,
        status: end.status,
        attempt: run.task.attempts,
        ms: Date.now() - run.startedAt,
      },
      'task finished',
    );
    if (end.status === 'succeeded') run.progress = { done: run.progress.total, total: run.progress.total };
    await this.publish(run, end.status);
    if (run.task.webhookUrl) await this.queues.enqueueOrDefer(WEBHOOK_QUEUE, run.taskId);
  }

  /** Progress is best effort: a failed write is logged and the run goes on. false = the run lost the task. */
  private async checkpoint(run: Run, progress: TaskProgress, partial: unknown): Promise<boolean> {
    let held: boolean;
    try {
      held = await this.store.checkpoint(run, progress, partial);
    } catch (error) {
      this.logger.warn({ taskId: run.taskId, err: (error as Error).message }, 'progress not saved');
      return true;
    }
    if (held) {
      run.progress = progress;
      await this.publish(run, 'running');
    }
    return held;
  }

  private publish(run: Run, status: TaskStatus): Promise<void> {
    return this.signals.changed(run.taskId, { status, ...run.progress });
  }
}
