import type { UsageEvent } from '../events/usage-event';
import { usageEvent } from '../testing/usage-event.fixture';
import { decodeUsageBatch, encodeUsageBatch, UsageBatchDecodeError } from './usage-batch-codec';

function event(i: number): UsageEvent {
  return usageEvent({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    requestId: `req-${i}`,
    // a text no codec may mangle
    route: 'POST /v1/chat/ünïcödé 🚀 "quoted" \\ back',
  });
}

describe('usage batch codec', () => {
  it('round-trips a batch, about ten times smaller than its JSON', async () => {
    const events = Array.from({ length: 500 }, (_, i) => event(i));
    const job = await encodeUsageBatch(events);
    expect(await decodeUsageBatch(job)).toEqual(events);
    expect(JSON.stringify(job).length).toBeLessThan(JSON.stringify({ events }).length / 5);
  });

  it('reads the plain jobs earlier builds left in the queue', async () => {
    const events = [event(1), event(2)];
    expect(await decodeUsageBatch({ events })).toEqual(events);
  });

  it('refuses a job it cannot read, as a decode error (never as a retryable one)', async () => {
    await expect(decodeUsageBatch({ deflatedEvents: 'not deflate at all' })).rejects.toBeInstanceOf(
      UsageBatchDecodeError,
    );
    await expect(decodeUsageBatch({} as never)).rejects.toThrow(
      'unreadable usage batch: no events in the job',
    );
    const notAList = (await encodeUsageBatch({ events: 1 } as unknown as UsageEvent[])) as {
      deflatedEvents: string;
    };
    await expect(decodeUsageBatch(notAList)).rejects.toBeInstanceOf(UsageBatchDecodeError);
  });
});
