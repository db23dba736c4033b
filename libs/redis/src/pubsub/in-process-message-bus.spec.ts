import { resetProcessWide } from '@app/common';
import { InProcessMessageBus } from './in-process-message-bus';

describe('InProcessMessageBus', () => {
  beforeEach(() => resetProcessWide());

  it('delivers between two buses of one process (the api and worker containers), on a later tick', async () => {
    const api = new InProcessMessageBus();
    const worker = new InProcessMessageBus();
    const received: string[] = [];
    await worker.subscribe('cancel', (message) => received.push(message));
    await api.publish('cancel', 'task-1');
    expect(received).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toEqual(['task-1']);
  });

  it('delivers only to the channel subscribed, and stops after unsubscribing', async () => {
    const bus = new InProcessMessageBus();
    const a: string[] = [];
    const b: string[] = [];
    const stopA = await bus.subscribe('a', (m) => a.push(m));
    await bus.subscribe('b', (m) => b.push(m));
    await bus.publish('a', '1');
    await new Promise((resolve) => setImmediate(resolve));
    stopA();
    await bus.publish('a', '2');
    await bus.publish('b', '3');
    await new Promise((resolve) => setImmediate(resolve));
    expect(a).toEqual(['1']);
    expect(b).toEqual(['3']);
  });
});
