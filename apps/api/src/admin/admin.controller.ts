import { AnalyticsQueryService, type PerformanceReport } from '@app/analytics';
import { DomainException, ErrorCode } from '@app/common';
import { RequireUserSession, Roles } from '@app/auth';
import { Controller, Get, Header, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { resolveRange } from '../analytics/query-range';
import { AdminQueuesService } from './admin-queues.service';
import {
  PerformanceSeriesDto,
  PerformanceSeriesQueryDto,
  QueuesOverviewDto,
  QueuesQueryDto,
  type PerformanceBucketDto,
} from './dto/admin.dto';

const HOUR_MS = 3_600_000;
const UNIT_MS = { hour: HOUR_MS, day: 24 * HOUR_MS } as const;
/** One performance query per bucket: a week of hours or a quarter of days. */
export const MAX_SERIES_BUCKETS = 168;
const PARALLEL_BUCKETS = 6;

/** What the admin dashboard (/admin) needs beyond the analytics, providers, users and API-key routes. */
@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token' })
@ApiForbiddenResponse({ description: 'Admins only (signed in, not with an API key)' })
@Roles('admin')
@RequireUserSession()
@Controller('admin/api')
export class AdminController {
  constructor(
    private readonly queues: AdminQueuesService,
    private readonly analytics: AnalyticsQueryService,
  ) {}

  @Get('queues')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Task queues at a glance: BullMQ job counts, tasks by status (all users), recent failures',
  })
  @ApiOkResponse({ type: QueuesOverviewDto })
  queuesOverview(@Query() query: QueuesQueryDto): Promise<QueuesOverviewDto> {
    return this.queues.overview(query.failures);
  }

  @Get('performance-series')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Latency percentiles and fallback rate over time',
    description: `GET /analytics/performance for each UTC hour or day of the range (at most ${MAX_SERIES_BUCKETS} buckets).`,
  })
  @ApiOkResponse({ type: PerformanceSeriesDto })
  @ApiBadRequestResponse({ description: 'Invalid range, or too many buckets' })
  async performanceSeries(@Query() query: PerformanceSeriesQueryDto): Promise<PerformanceSeriesDto> {
    const { granularity, groupBy } = query;
    const range = resolveRange(query.from, query.to, Date.now(), granularity);
    const unit = UNIT_MS[granularity];
    const from = Math.floor(range.from / unit) * unit;
    const to = Math.ceil(range.to / HOUR_MS) * HOUR_MS;
    const starts: number[] = [];
    for (let start = from; start < to; start += unit) starts.push(start);
    if (starts.length > MAX_SERIES_BUCKETS) {
      const message = `at most ${MAX_SERIES_BUCKETS} buckets; use a shorter range or granularity=day`;
      throw new DomainException({
        status: 400,
        code: ErrorCode.ValidationFailed,
        message,
        details: [message],
      });
    }
    const buckets: PerformanceBucketDto[] = new Array(starts.length);
    for (let i = 0; i < starts.length; i += PARALLEL_BUCKETS) {
      await Promise.all(
        starts.slice(i, i + PARALLEL_BUCKETS).map(async (start, j) => {
          const bucketRange = { from: Math.max(start, range.from), to: Math.min(start + unit, to) };
          const report = await this.analytics.performance({ range: bucketRange, groupBy, filters: {} });
          buckets[i + j] = bucketOf(start, report);
        }),
      );
    }
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      granularity,
      groupBy,
      buckets,
    };
  }
}

function bucketOf(start: number, report: PerformanceReport): PerformanceBucketDto {
  const requests = report.rows.reduce((sum, row) => sum + row.requests, 0);
  const fallbacks = report.rows.reduce((sum, row) => sum + row.fallbacks, 0);
  return {
    bucket: new Date(start).toISOString(),
    requests,
    fallbacks,
    fallbackRate: requests ? fallbacks / requests : null,
    rows: report.rows,
  };
}
