import type { TaskView } from '@app/tasks';
import { call, type Reply } from '../../support/json-call';
import { waitUntil } from '../../support/wait-until';

export { call, type Reply } from '../../support/json-call';
export { waitUntil } from '../../support/wait-until';

export type CreatedTask = TaskView & { webhookSecret?: string };

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown[] };
}

/** A chat task input whose one user message is `prompt` (the fake vendor echoes it back). */
export function chatInput(prompt: string, model = 'test-model'): Record<string, unknown> {
  return { model, messages: [{ role: 'user', content: prompt }] };
}

/** A client for one caller of /tasks. */
export class TaskClient {
  constructor(
    private readonly baseUrl: () => string,
    readonly token: string,
  ) {}

  create(body: Record<string, unknown>, headers?: Record<string, string>): Promise<Reply<CreatedTask>> {
    return call<CreatedTask>(this.baseUrl(), 'POST', '/tasks', { token: this.token, body, headers });
  }

  async createOk(body: Record<string, unknown>, headers?: Record<string, string>): Promise<CreatedTask> {
    const res = await this.create(body, headers);
    if (res.status !== 201) throw new Error(`POST /tasks: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  get(id: string): Promise<Reply<TaskView>> {
    return call<TaskView>(this.baseUrl(), 'GET', `/tasks/${id}`, { token: this.token });
  }

  cancel(id: string): Promise<Reply<TaskView>> {
    return call<TaskView>(this.baseUrl(), 'DELETE', `/tasks/${id}`, { token: this.token });
  }

  list(query: string): Promise<Reply<{ data: TaskView[]; nextCursor: string | null }>> {
    return call(this.baseUrl(), 'GET', `/tasks${query}`, { token: this.token });
  }

  /** Polls GET /tasks/:id until the task is in one of `statuses`. */
  waitForStatus(id: string, statuses: TaskView['status'][], timeoutMs = 15_000): Promise<TaskView> {
    return waitUntil(
      async () => {
        const { body } = await this.get(id);
        return statuses.includes(body.status) ? body : undefined;
      },
      timeoutMs,
      `task ${id} to be ${statuses.join('|')}`,
    );
  }
}
