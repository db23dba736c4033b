import { GRANULARITIES, USAGE_GROUP_BY, type Granularity, type UsageGroupBy } from '@app/analytics';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { FilterValue, TimeRangeQuery } from './analytics-filters.dto';

export class UsageQueryDto extends TimeRangeQuery {
  @ApiProperty({
    required: false,
    enum: GRANULARITIES,
    description: 'Adds a time series with this bucket size',
  })
  @IsOptional()
  @IsIn(GRANULARITIES)
  granularity?: Granularity;

  @ApiProperty({
    required: false,
    enum: USAGE_GROUP_BY,
    description: 'Adds per-group totals (and splits the series)',
  })
  @IsOptional()
  @IsIn(USAGE_GROUP_BY)
  groupBy?: UsageGroupBy;

  @ApiProperty({
    required: false,
    default: 100,
    minimum: 1,
    maximum: 10_000,
    description: 'Most groups returned',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit = 100;

  @FilterValue('Only this user') userId?: string;
  @FilterValue('Only this API key') apiKeyId?: string;
  @FilterValue('Only this provider type (openai, anthropic, ...)') provider?: string;
  @FilterValue('Only this deployment id') deployment?: string;
  @FilterValue('Only this served (public) model') model?: string;
  @FilterValue('Only requests for this model or group alias') modelGroup?: string;
  @FilterValue('Only this route, e.g. `POST /v1/chat/completions` or `task`') route?: string;
}
