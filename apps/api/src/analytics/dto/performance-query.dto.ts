import { PERFORMANCE_GROUP_BY, type PerformanceGroupBy } from '@app/analytics';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { FilterValue, TimeRangeQuery } from './analytics-filters.dto';

export class PerformanceQueryDto extends TimeRangeQuery {
  @ApiProperty({ required: false, enum: PERFORMANCE_GROUP_BY, default: 'deployment' })
  @IsOptional()
  @IsIn(PERFORMANCE_GROUP_BY)
  groupBy: PerformanceGroupBy = 'deployment';

  @FilterValue('Only this provider type') provider?: string;
  @FilterValue('Only this deployment id') deployment?: string;
  @FilterValue('Only this served (public) model') model?: string;
}
