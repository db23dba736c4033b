import { ChatModule } from '@app/chat';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CancelListener } from './cancel/cancel-listener';
import { Task } from './core/task.entity';
import { TaskQueues } from './queue/task-queues';
import { StaleTaskStore } from './reconciler/stale-task.store';
import { TaskReconciler } from './reconciler/task-reconciler';
import { ActiveRuns } from './runner/active-runs';
import { ChatServiceTaskChatRunner } from './runner/chat-service.task-chat-runner';
import { RunWatchdog } from './runner/run-watchdog';
import { TASK_CHAT_RUNNER } from './runner/task-chat-runner';
import { TaskRunStore } from './runner/task-run.store';
import { TaskRunner } from './runner/task-runner';
import { SHARED_TASK_PROVIDERS } from './task-shared.providers';
import { WebhookDelivery } from './webhooks/webhook-delivery';
import { WebhookStore } from './webhooks/webhook.store';

/**
 * The worker's side of tasks: running them (TaskRunner, through ChatService in-process), the heartbeat,
 * the cancel listener, the reconciler and webhook delivery. The BullMQ processors that call TaskRunner and
 * WebhookDelivery live in apps/worker. Import it in the worker only: its timers start with the app.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Task]), ChatModule],
  providers: [
    ...SHARED_TASK_PROVIDERS,
    { provide: TASK_CHAT_RUNNER, useClass: ChatServiceTaskChatRunner },
    TaskRunStore,
    ActiveRuns,
    TaskRunner,
    RunWatchdog,
    CancelListener,
    StaleTaskStore,
    WebhookStore,
    TaskReconciler,
    WebhookDelivery,
  ],
  exports: [TaskRunner, ActiveRuns, WebhookDelivery, TaskQueues],
})
export class TasksWorkerModule {}
