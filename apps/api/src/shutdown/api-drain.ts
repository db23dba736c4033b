import { DomainException, ErrorCode } from '@app/common';
import { AppConfig } from '@app/config';
import { Global, Injectable, Module, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';

/** Share of server.shutdownTimeoutMs that in-flight requests get to finish on their own (as in the worker). */
const DRAIN_SHARE = 0.75;
/** How often keep-alive connections that went idle during the drain are closed. */
const IDLE_SWEEP_MS = 100;

/** What a request still in flight at the drain deadline, or one arriving during the drain, is told. */
export function shuttingDown(): DomainException {
  return new DomainException({
    status: 503,
    code: ErrorCode.ServiceUnavailable,
    message: 'The server is shutting down; retry the request',
    retryAfterMs: 1_000,
  });
}

/**
 * The api's shutdown as the request path sees it. Shutdown (SIGTERM, app.close()) starts with Nest's
 * destroy hooks, before Fastify stops listening: from then on new requests are refused (503 in the error
 * format, `Connection: close`), and in-flight ones get 75 % of server.shutdownTimeoutMs to finish. At
 * that deadline whatever is still running is interrupted through the callbacks it registered: a chat call
 * waiting for its vendor answers 503, an open stream ends with one error event, a task event stream ends
 * the same way. Keep-alive connections are closed as soon as they go idle (the HTTP server's close waits
 * for every connection). Every client hears why, and the process exits 0 before its timeout.
 */
@Injectable()
export class ApiDrain implements OnModuleDestroy, OnApplicationShutdown {
  private readonly interrupts = new Set<() => void>();
  private deadlineTimer?: NodeJS.Timeout;
  private idleSweep?: NodeJS.Timeout;
  private started = false;
  private expired = false;

  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Shutdown has begun: take no new request. */
  get draining(): boolean {
    return this.started;
  }

  /** The drain deadline has passed: requests still running were interrupted. */
  get interrupted(): boolean {
    return this.expired;
  }

  /** Calls `interrupt` at the drain deadline (at once if it passed); returns the unregistration. */
  track(interrupt: () => void): () => void {
    if (this.expired) {
      interrupt();
      return () => undefined;
    }
    this.interrupts.add(interrupt);
    return () => this.interrupts.delete(interrupt);
  }

  onModuleDestroy(): void {
    if (this.started) return;
    this.started = true;
    const budgetMs = Math.floor(this.config.server.shutdownTimeoutMs * DRAIN_SHARE);
    this.deadlineTimer = setTimeout(() => this.interruptAll(), budgetMs);
    this.deadlineTimer.unref();
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server) {
      this.idleSweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
      this.idleSweep.unref();
    }
  }

  onApplicationShutdown(): void {
    clearTimeout(this.deadlineTimer);
    clearInterval(this.idleSweep);
  }

  private interruptAll(): void {
    this.expired = true;
    const interrupts = [...this.interrupts];
    this.interrupts.clear();
    for (const interrupt of interrupts) interrupt();
  }
}

@Global()
@Module({ providers: [ApiDrain], exports: [ApiDrain] })
export class ApiDrainModule {}
