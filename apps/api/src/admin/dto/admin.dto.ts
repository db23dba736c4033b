import {
  GRANULARITIES,
  PERFORMANCE_GROUP_BY,
  type Granularity,
  type PerformanceGroupBy,
} from '@app/analytics';
import { TASK_STATUSES } from '@app/tasks';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { TimeRangeQuery } from '../../analytics/dto/analytics-filters.dto';
import { PerformanceRowDto } from '../../analytics/dto/performance-report.dto';
import { JOB_STATES } from '../admin-queues.service';

export class QueuesQueryDto {
  @ApiProperty({
    required: false,
    default: 20,
    minimum: 1,
    maximum: 100,
    description: 'Most failures listed',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  failures = 20;
}

class JobCountsDto {
  @ApiProperty() waiting!: number;
  @ApiProperty() active!: number;
  @ApiProperty() delayed!: number;
  @ApiProperty() prioritized!: number;
  @ApiProperty({ description: 'Kept for an hour' }) completed!: number;
  @ApiProperty({ description: 'Kept for a week' }) failed!: number;
}

export class QueueCountsDto {
  @ApiProperty({ example: 'tasks' }) name!: string;
  @ApiProperty({ type: JobCountsDto, description: `BullMQ job counts: ${JOB_STATES.join(', ')}` })
  counts!: JobCountsDto;
}

class TaskStatusCountsDto {
  @ApiProperty() queued!: number;
  @ApiProperty() running!: number;
  @ApiProperty() succeeded!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() cancelled!: number;
}

class TaskErrorDto {
  @ApiProperty() code!: string;
  @ApiProperty() message!: string;
}

export class FailedTaskDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) ownerId!: string;
  @ApiProperty({ example: 'chat' }) type!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: TaskErrorDto, nullable: true }) error!: TaskErrorDto | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: Date | null;
}

export class QueuesOverviewDto {
  @ApiProperty({ type: [QueueCountsDto] }) queues!: QueueCountsDto[];
  @ApiProperty({
    type: TaskStatusCountsDto,
    description: `Tasks of every user by status (${TASK_STATUSES.join(', ')})`,
  })
  tasksByStatus!: TaskStatusCountsDto;
  @ApiProperty({ type: [FailedTaskDto], description: 'Newest first' }) recentFailures!: FailedTaskDto[];
}

export class PerformanceSeriesQueryDto extends TimeRangeQuery {
  @ApiProperty({ required: false, enum: GRANULARITIES, default: 'hour', description: 'Bucket size (UTC)' })
  @IsOptional()
  @IsIn(GRANULARITIES)
  granularity: Granularity = 'hour';

  @ApiProperty({ required: false, enum: PERFORMANCE_GROUP_BY, default: 'provider' })
  @IsOptional()
  @IsIn(PERFORMANCE_GROUP_BY)
  groupBy: PerformanceGroupBy = 'provider';
}

export class PerformanceBucketDto {
  @ApiProperty({ format: 'date-time', description: 'Start of the UTC hour or day' }) bucket!: string;
  @ApiProperty({ description: 'Requests in the bucket, all groups' }) requests!: number;
  @ApiProperty({ description: 'Requests that fell back, all groups' }) fallbacks!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'fallbacks / requests, all groups' })
  fallbackRate!: number | null;
  @ApiProperty({ type: [PerformanceRowDto] }) rows!: PerformanceRowDto[];
}

export class PerformanceSeriesDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ enum: GRANULARITIES }) granularity!: Granularity;
  @ApiProperty({ enum: PERFORMANCE_GROUP_BY }) groupBy!: PerformanceGroupBy;
  @ApiProperty({
    type: [PerformanceBucketDto],
    description: 'Oldest first; buckets without traffic included',
  })
  buckets!: PerformanceBucketDto[];
}
