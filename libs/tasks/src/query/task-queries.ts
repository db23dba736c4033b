import { DomainException } from '@app/common';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { taskNotFound } from '../core/task-errors';
import type { TaskStatus } from '../core/task-status';
import { Task } from '../core/task.entity';

export interface TaskListQuery {
  ownerId: string;
  status?: TaskStatus;
  limit: number;
  /** The id of the last task of the previous page. */
  after?: string;
}

export interface TaskPage {
  tasks: Task[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Reads a caller's own tasks; someone else's task is "not found", never "forbidden". */
@Injectable()
export class TaskQueries {
  constructor(@InjectRepository(Task) private readonly tasks: Repository<Task>) {}

  async get(ownerId: string, id: string): Promise<Task> {
    const task = await this.tasks.findOneBy({ id, ownerId });
    if (!task) throw taskNotFound();
    return task;
  }

  /** Newest first, keyset-paginated on (created_at, id); the cursor row's own timestamp keeps full precision. */
  async list(query: TaskListQuery): Promise<TaskPage> {
    const builder = this.tasks
      .createQueryBuilder('task')
      .where('task.owner_id = :ownerId', { ownerId: query.ownerId })
      .orderBy('task.created_at', 'DESC')
      .addOrderBy('task.id', 'DESC')
      .limit(query.limit + 1);
    if (query.status) builder.andWhere('task.status = :status', { status: query.status });
    if (query.after) {
      const cursor = await this.tasks.findOneBy({ id: query.after, ownerId: query.ownerId });
      if (!cursor) throw DomainException.badRequest('cursor does not name one of your tasks');
      builder.andWhere(
        '(task.created_at, task.id) < (SELECT c.created_at, c.id FROM tasks c WHERE c.id = :after)',
        { after: query.after },
      );
    }
    const rows = await builder.getMany();
    const tasks = rows.slice(0, query.limit);
    return { tasks, nextCursor: rows.length > query.limit ? tasks[tasks.length - 1].id : null };
  }
}
