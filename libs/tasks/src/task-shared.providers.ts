import type { Provider } from '@nestjs/common';
import { TaskSignals } from './events/task-signals';
import { TaskRegistry } from './handlers/task-registry';
import { TaskQueues } from './queue/task-queues';
import { WebhookSecrets } from './webhooks/webhook-secrets';
import { WebhookTargets } from './webhooks/webhook-targets';

/** What the api and the worker both need: the queues, the signals, the task types, webhook secrets and targets. */
export const SHARED_TASK_PROVIDERS: Provider[] = [
  TaskQueues,
  TaskSignals,
  WebhookSecrets,
  WebhookTargets,
  { provide: TaskRegistry, useValue: new TaskRegistry() },
];
