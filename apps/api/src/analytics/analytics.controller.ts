import { AnalyticsQueryService } from '@app/analytics';
import { RequireScopes, Roles } from '@app/auth';
import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { PerformanceQueryDto } from './dto/performance-query.dto';
import { PerformanceReportDto } from './dto/performance-report.dto';
import { UsageQueryDto } from './dto/usage-query.dto';
import { UsageReportDto } from './dto/usage-report.dto';
import { resolveRange } from './query-range';

/** Admin reports over the usage rollups (API keys need the analytics:read scope). */
@ApiTags('analytics')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, invalid or expired credentials' })
@ApiForbiddenResponse({ description: 'Admins only; API keys also need the analytics:read scope' })
@ApiBadRequestResponse({ description: 'Invalid range, granularity, groupBy or filter' })
@Roles('admin')
@RequireScopes('analytics:read')
@Controller('analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsQueryService) {}

  @Get('usage')
  @ApiOperation({
    summary: 'Requests, tokens and cost: totals, per group, and as a time series',
    description:
      'Reads hourly/daily rollups (UTC), so the range is widened to whole hours. `groupBy` adds per-group totals; `granularity` adds a series (split by group when grouped).',
  })
  @ApiOkResponse({ type: UsageReportDto })
  usage(@Query() query: UsageQueryDto): Promise<UsageReportDto> {
    const { from, to, granularity, groupBy, limit, ...filters } = query;
    return this.analytics.usage({
      range: resolveRange(from, to, Date.now(), granularity),
      granularity,
      groupBy,
      limit,
      filters,
    });
  }

  @Get('performance')
  @ApiOperation({
    summary:
      'Latency and TTFT percentiles, error, fallback and cache hit rates per provider, deployment or model',
    description:
      'Percentiles are estimated from latency histograms stored in the rollups (bucket width ≤ 25 %). Request figures count where a request was served; `upstream` counts every call made to a deployment.',
  })
  @ApiOkResponse({ type: PerformanceReportDto })
  performance(@Query() query: PerformanceQueryDto): Promise<PerformanceReportDto> {
    const { from, to, groupBy, ...filters } = query;
    return this.analytics.performance({ range: resolveRange(from, to, Date.now()), groupBy, filters });
  }
}
