import { GatewayMetrics } from '@app/analytics';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Requests that matched no route share one label, so probing random URLs cannot grow the series. */
const UNMATCHED_ROUTE = 'unmatched';

/** Counts every HTTP request and times it, by method, route template and status (Fastify onResponse). */
@Injectable()
export class HttpMetricsHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: GatewayMetrics,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', (request, reply, done) => {
      this.observe(request, reply);
      done();
    });
  }

  private observe(request: FastifyRequest, reply: FastifyReply): void {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? UNMATCHED_ROUTE,
      status: String(reply.statusCode),
    };
    this.metrics.httpRequests.inc(labels);
    this.metrics.httpDuration.observe(labels, reply.elapsedTime / 1_000);
  }
}
