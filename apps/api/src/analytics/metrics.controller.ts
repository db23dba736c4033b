import { RequireScopes, Roles } from '@app/auth';
import { DomainException } from '@app/common';
import { AppConfig } from '@app/config';
import { Controller, Get, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiMetricsServer } from './api-metrics.server';

/**
 * Prometheus metrics on the api port, admin only (for a scraper: an admin's API key with the
 * analytics:read scope). With `analytics.metrics.port` set they are served on that port instead, and
 * this route answers 404.
 */
@ApiTags('metrics')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, invalid or expired credentials' })
@ApiForbiddenResponse({ description: 'Admins only; API keys also need the analytics:read scope' })
@Roles('admin')
@RequireScopes('analytics:read')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: ApiMetricsServer,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Prometheus metrics of the api (text exposition format); with server.processes > 1, of all its processes',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text format', schema: { type: 'string' } })
  @ApiNotFoundResponse({ description: 'Metrics are off, or served on analytics.metrics.port' })
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const { enabled, port } = this.config.analytics.metrics;
    if (!enabled || port !== 0) throw DomainException.notFound('Metrics');
    const { body, contentType } = await this.metrics.scrape();
    void reply.status(200).header('content-type', contentType).send(body);
  }
}
