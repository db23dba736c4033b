import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TaskCancellation } from './cancel/task-cancellation';
import { Task } from './core/task.entity';
import { TaskEventStream } from './events/task-event-stream';
import { TaskProducer } from './producer/task-producer';
import { TaskQueries } from './query/task-queries';
import { SHARED_TASK_PROVIDERS } from './task-shared.providers';
import { TaskRegistry } from './handlers/task-registry';
import { WebhookSecrets } from './webhooks/webhook-secrets';

/**
 * The api's side of tasks: create, read, list, cancel, stream events. Needs the global AppConfigModule and
 * RedisModule, and the DatabaseModule. Runs no jobs: TasksWorkerModule does, in the worker only.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Task])],
  providers: [...SHARED_TASK_PROVIDERS, TaskProducer, TaskQueries, TaskCancellation, TaskEventStream],
  exports: [TaskProducer, TaskQueries, TaskCancellation, TaskEventStream, WebhookSecrets, TaskRegistry],
})
export class TasksModule {}
