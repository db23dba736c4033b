import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

const ISO = { strict: true };

/** The time range every analytics query takes; rollups have hour resolution, so it widens to whole hours. */
export class TimeRangeQuery {
  @ApiProperty({
    required: false,
    format: 'date-time',
    description: 'Start (inclusive), ISO 8601; default: 24 hours before `to`. Rounded down to the hour.',
  })
  @IsOptional()
  @IsISO8601(ISO)
  from?: string;

  @ApiProperty({
    required: false,
    format: 'date-time',
    description: 'End (exclusive), ISO 8601; default: now. Rounded up to the hour.',
  })
  @IsOptional()
  @IsISO8601(ISO)
  to?: string;
}

/** A filter value: an id or a name, compared exactly. */
export function FilterValue(description: string): PropertyDecorator {
  return (target, key) => {
    ApiProperty({ required: false, description })(target, key);
    IsOptional()(target, key);
    IsString()(target, key);
    MinLength(1)(target, key);
    MaxLength(200)(target, key);
  };
}
