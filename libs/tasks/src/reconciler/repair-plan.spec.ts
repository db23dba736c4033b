import type { JobLookup } from '../queue/task-queues';
import { planTaskRepair, planWebhookRepair } from './repair-plan';

describe('reconciler: what to do with a stale task, by the state of its job', () => {
  it.each<[JobLookup, string]>([
    ['missing', 'enqueue'],
    ['completed', 'replace-job'],
    ['failed', 'fail'],
    ['waiting', 'leave'],
    ['delayed', 'leave'],
    ['prioritized', 'leave'],
    ['active', 'leave'],
    ['waiting-children', 'leave'],
  ])('job %s → %s', (job, repair) => {
    expect(planTaskRepair(job)).toBe(repair);
  });

  it.each<[JobLookup, string]>([
    ['missing', 'enqueue'],
    ['failed', 'mark-failed'],
    ['waiting', 'leave'],
    ['active', 'leave'],
    ['delayed', 'leave'],
    ['completed', 'leave'],
  ])('pending webhook, job %s → %s', (job, repair) => {
    expect(planWebhookRepair(job)).toBe(repair);
  });
});
