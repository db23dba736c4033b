import { GRANULARITIES, USAGE_GROUP_BY, type Granularity, type UsageGroupBy } from '@app/analytics';
import { ApiProperty } from '@nestjs/swagger';

export class UsageTotalsDto {
  @ApiProperty() requests!: number;
  @ApiProperty({ description: 'Requests that failed (aborted ones are not errors)' }) errors!: number;
  @ApiProperty() cacheHits!: number;
  @ApiProperty() promptTokens!: number;
  @ApiProperty() completionTokens!: number;
  @ApiProperty() totalTokens!: number;
  @ApiProperty({ description: 'USD from analytics.prices; cache hits cost nothing' }) costUsd!: number;
}

export class UsageGroupDto extends UsageTotalsDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The group value; null = none (e.g. nothing served)',
  })
  key!: string | null;
}

export class UsagePointDto extends UsageTotalsDto {
  @ApiProperty({ format: 'date-time', description: 'Start of the UTC hour or day' }) bucket!: string;
  @ApiProperty({ type: String, nullable: true, required: false, description: 'Present when grouped' })
  key?: string | null;
}

export class UsageReportDto {
  @ApiProperty({ format: 'date-time', description: 'Start actually covered (whole hours)' }) from!: string;
  @ApiProperty({ format: 'date-time', description: 'End actually covered (exclusive)' }) to!: string;
  @ApiProperty({ required: false, enum: USAGE_GROUP_BY }) groupBy?: UsageGroupBy;
  @ApiProperty({ required: false, enum: GRANULARITIES }) granularity?: Granularity;
  @ApiProperty({ type: UsageTotalsDto }) totals!: UsageTotalsDto;
  @ApiProperty({
    type: [UsageGroupDto],
    required: false,
    description: 'With groupBy: by requests, descending',
  })
  groups?: UsageGroupDto[];
  @ApiProperty({ type: [UsagePointDto], required: false, description: 'With granularity: oldest first' })
  series?: UsagePointDto[];
}
