import { TasksWorkerModule } from '@app/tasks';
import { Module } from '@nestjs/common';
import { TaskJobsProcessor } from './task-jobs.processor';
import { WebhookJobsProcessor } from './webhook-jobs.processor';

/** The task and webhook queue processors: registered in the worker only, never in the api. */
@Module({
  imports: [TasksWorkerModule],
  providers: [TaskJobsProcessor, WebhookJobsProcessor],
})
export class TaskProcessorsModule {}
