import { PERFORMANCE_GROUP_BY, type PerformanceGroupBy } from '@app/analytics';
import { ApiProperty } from '@nestjs/swagger';

const NULLABLE_NUMBER = { type: Number, nullable: true } as const;

export class LatencyPercentilesDto {
  @ApiProperty(NULLABLE_NUMBER) p50!: number | null;
  @ApiProperty(NULLABLE_NUMBER) p95!: number | null;
  @ApiProperty({ ...NULLABLE_NUMBER, required: false }) p99?: number | null;
}

export class UpstreamPerformanceDto {
  @ApiProperty({ description: 'Calls made to this group’s deployments, retries and failures included' })
  attempts!: number;
  @ApiProperty() failedAttempts!: number;
  @ApiProperty(NULLABLE_NUMBER) errorRate!: number | null;
  @ApiProperty({ type: LatencyPercentilesDto }) latencyMs!: LatencyPercentilesDto;
}

export class PerformanceRowDto {
  @ApiProperty({ type: String, nullable: true, required: false }) provider?: string | null;
  @ApiProperty({ type: String, nullable: true, required: false }) deployment?: string | null;
  @ApiProperty({ type: String, nullable: true, required: false }) model?: string | null;
  @ApiProperty({
    description: 'Requests served here (a failed one: where it was last tried), cache hits included',
  })
  requests!: number;
  @ApiProperty() errors!: number;
  @ApiProperty(NULLABLE_NUMBER) errorRate!: number | null;
  @ApiProperty({ description: 'Requests that moved to another deployment at least once' }) fallbacks!: number;
  @ApiProperty(NULLABLE_NUMBER) fallbackRate!: number | null;
  @ApiProperty() cacheHits!: number;
  @ApiProperty(NULLABLE_NUMBER) cacheHitRate!: number | null;
  @ApiProperty({ type: LatencyPercentilesDto, description: 'End to end, requests that reached a vendor' })
  latencyMs!: LatencyPercentilesDto;
  @ApiProperty({
    type: LatencyPercentilesDto,
    description: 'Time to first token of streams that reached a vendor',
  })
  ttftMs!: LatencyPercentilesDto;
  @ApiProperty({ type: UpstreamPerformanceDto }) upstream!: UpstreamPerformanceDto;
}

export class PerformanceReportDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ enum: PERFORMANCE_GROUP_BY }) groupBy!: PerformanceGroupBy;
  @ApiProperty({ type: [PerformanceRowDto] }) rows!: PerformanceRowDto[];
}
