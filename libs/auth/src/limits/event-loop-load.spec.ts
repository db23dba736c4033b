import { EventLoopLoad } from './event-loop-load';

function spin(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // a busy event loop
  }
}

const idle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('EventLoopLoad', () => {
  it('is busy after ~100 ms of blocking work, and not after ~100 ms of waiting', async () => {
    const load = new EventLoopLoad(0.75);
    await idle(120);
    expect(load.busy).toBe(false);
    // spread over a few turns so the utilisation counts them (it is measured between turns)
    for (let i = 0; i < 6; i++) {
      spin(25);
      await idle(0);
    }
    expect(load.busy).toBe(true);
    await idle(150);
    expect(load.busy).toBe(false);
  });

  it('keeps its reading between samples', async () => {
    const load = new EventLoopLoad(0.75);
    await idle(120);
    expect(load.busy).toBe(false);
    spin(60);
    expect(load.busy).toBe(false); // read less than 100 ms ago
  });
});
