import { AppConfig } from '@app/config';
import { MESSAGE_BUS, type MessageBus } from '@app/redis';
import { Inject, Injectable } from '@nestjs/common';
import { isFinalStatus } from '../core/task-status';
import {
  progressView,
  toTaskSummary,
  toTaskView,
  type TaskProgressView,
  type TaskView,
} from '../core/task-view';
import { TaskQueries } from '../query/task-queries';
import { MessageInbox } from './message-inbox';
import { parseTaskChange, taskChannels } from './task-channels';

export type TaskStreamEvent =
  /** First: the task as it is now (without input and result). */
  | { event: 'task'; data: TaskView }
  | { event: 'progress'; data: { id: string; status: TaskView['status']; progress: TaskProgressView } }
  /** Last: the finished task, result included; the stream ends after it. */
  | { event: 'done'; data: TaskView };

/** Without a message for this long the row is read again, in case a pub/sub message was lost. */
const RECHECK_MS = 5_000;

/**
 * GET /tasks/:id/events: a task's changes as they are published on the message bus (in full mode one
 * shared Redis subscriber connection per api process, fanned out to every open stream).
 */
@Injectable()
export class TaskEventStream {
  constructor(
    private readonly config: AppConfig,
    private readonly queries: TaskQueries,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
  ) {}

  /** 404 before anything streams when the caller does not own the task. */
  async open(ownerId: string, taskId: string, signal: AbortSignal): Promise<AsyncIterable<TaskStreamEvent>> {
    await this.queries.get(ownerId, taskId);
    const inbox = new MessageInbox();
    const stopListening = await this.listen(taskChannels.events(this.config.redis.keyPrefix, taskId), (m) =>
      inbox.push(m),
    );
    return this.events(ownerId, taskId, inbox, signal, stopListening);
  }

  private async *events(
    ownerId: string,
    taskId: string,
    inbox: MessageInbox,
    signal: AbortSignal,
    stopListening: () => void,
  ): AsyncGenerator<TaskStreamEvent> {
    try {
      // Read after subscribing: a change in between is either in this row or in the inbox.
      let task = await this.queries.get(ownerId, taskId);
      yield { event: 'task', data: toTaskSummary(task) };
      while (!isFinalStatus(task.status)) {
        const message = await inbox.next(RECHECK_MS, signal);
        if (signal.aborted) return;
        const change = message === undefined ? undefined : parseTaskChange(message);
        if (change && !isFinalStatus(change.status)) {
          yield {
            event: 'progress',
            data: { id: taskId, status: change.status, progress: progressView(change.done, change.total) },
          };
          continue;
        }
        task = await this.queries.get(ownerId, taskId);
      }
      yield { event: 'done', data: toTaskView(task) };
    } finally {
      stopListening();
    }
  }

  private async listen(channel: string, listener: (message: string) => void): Promise<() => void> {
    const subscribed = this.bus.subscribe(channel, listener);
    // Without Redis the stream still works, from the periodic re-reads.
    const unsubscribe = await Promise.race([
      subscribed.catch(() => undefined),
      sleep(this.config.redis.connectTimeoutMs).then(() => undefined),
    ]);
    if (unsubscribe) return unsubscribe;
    return () => {
      subscribed.then(
        (late) => late(),
        () => undefined,
      );
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
