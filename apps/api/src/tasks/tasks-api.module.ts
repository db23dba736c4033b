import { TasksModule } from '@app/tasks';
import { Module } from '@nestjs/common';
import { TasksController } from './tasks.controller';

/** POST/GET/DELETE /tasks and the task event stream; the jobs run in the worker. */
@Module({
  imports: [TasksModule],
  controllers: [TasksController],
})
export class TasksApiModule {}
