import { send, streamChat, type Exchange } from './gateway-client';
import { CHAT_MODEL } from './scenario-bed';
import {
  sleep,
  SteadyTraffic,
  summarize,
  waitFor,
  type Outcome,
  type Probe,
  type TrafficSummary,
} from './traffic';

/** Shared by the specs that restart a dependency (PostgreSQL, Redis) under steady traffic. */

/** How long the dependency stays down. */
export const OUTAGE_MS = 3_000;

/** Steady traffic: 20 requests a second for 2 s before the outage, through it, and 3 s after; every tenth a task. */
export function restartTraffic(probes: {
  chat(i: number): Promise<Probe>;
  task(i: number): Promise<Probe>;
}): SteadyTraffic {
  return new SteadyTraffic({
    ratePerSecond: 20,
    durationMs: 2_000 + OUTAGE_MS + 3_000,
    request: (i) =>
      i % 10 === 0
        ? { kind: 'task', send: () => probes.task(i) }
        : { kind: 'chat', send: () => probes.chat(i) },
  });
}

/** Chat request i, prompt `${promptPrefix}-${i}`: every fourth streamed, the others plain JSON. */
export function chatProbe(
  apiUrl: string,
  token: string,
  promptPrefix: string,
): (i: number) => Promise<Probe> {
  return async (i) => {
    const body = { model: CHAT_MODEL, messages: [{ role: 'user', content: `${promptPrefix}-${i}` }] };
    if (i % 4 === 0) {
      const outcome = await streamChat(apiUrl, token, body, { timeoutMs: 10_000 });
      return { ok: outcome.ending === 'done', status: outcome.status, detail: outcome.ending };
    }
    const res = await send(apiUrl, 'POST', '/v1/chat/completions', { token, body, timeoutMs: 10_000 });
    return {
      ok: res.status === 200,
      status: res.status,
      detail: res.status === 200 ? undefined : res.text,
    };
  };
}

/** Polls /health/ready until it answers `status`; returns that answer. */
export function waitForReadiness(
  apiUrl: string,
  status: 200 | 503,
  timeoutMs: number,
  what: string,
): Promise<Exchange> {
  return waitFor(
    async () => {
      const res = await send(apiUrl, 'GET', '/health/ready');
      return res.status === status ? res : undefined;
    },
    timeoutMs,
    what,
  );
}

/** When the dependency went down and came back, on the traffic's clock. */
export class OutageTimer {
  private startedMs = Number.NaN;
  private endedMs = Number.NaN;

  constructor(private readonly traffic: SteadyTraffic) {}

  /** Marks the dependency down from now. */
  begin(): void {
    this.startedMs = this.traffic.elapsedMs();
  }

  /** Sleeps until the outage has lasted OUTAGE_MS. */
  sleepOut(): Promise<void> {
    return sleep(Math.max(0, OUTAGE_MS - (this.traffic.elapsedMs() - this.startedMs)));
  }

  /** Marks the dependency back from now; returns the wall-clock time to measure recovery from. */
  end(): number {
    const backAt = Date.now();
    this.endedMs = this.traffic.elapsedMs();
    return backAt;
  }

  /** Whether a request went out while the dependency was down. */
  readonly includes = (event: { at: number }): boolean =>
    event.at >= this.startedMs && event.at < this.endedMs;
}

/** Chat overall, chat during the outage, and tasks. */
export function restartTrafficSummary(
  outcomes: Outcome[],
  outage: OutageTimer,
): Record<'chat' | 'chatDuringOutage' | 'tasks', TrafficSummary> {
  const chat = outcomes.filter((o) => o.kind === 'chat');
  return {
    chat: summarize(chat),
    chatDuringOutage: summarize(chat.filter(outage.includes)),
    tasks: summarize(outcomes.filter((o) => o.kind === 'task')),
  };
}
