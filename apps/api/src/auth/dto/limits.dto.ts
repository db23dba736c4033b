import type { LimitOverrides } from '@app/auth';
import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

const INT_MAX = 2_147_483_647;

/** Input: each limit overrides the role's default; null clears an override, 0 means unlimited. */
export class LimitOverridesDto implements LimitOverrides {
  @ApiProperty({
    type: Number,
    nullable: true,
    required: false,
    minimum: 0,
    description: 'requests per minute',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(INT_MAX)
  rpm?: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    required: false,
    minimum: 0,
    description: 'tokens per minute',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(INT_MAX)
  tpm?: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    required: false,
    minimum: 0,
    description: 'tokens per UTC day',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(INT_MAX)
  tpd?: number | null;
}

/** Output: the overrides set on a user or key (null = the default applies). */
export class LimitOverridesView {
  @ApiProperty({ type: Number, nullable: true }) rpm!: number | null;
  @ApiProperty({ type: Number, nullable: true }) tpm!: number | null;
  @ApiProperty({ type: Number, nullable: true }) tpd!: number | null;

  static of(row: {
    rpmLimit: number | null;
    tpmLimit: number | null;
    tpdLimit: number | null;
  }): LimitOverridesView {
    return { rpm: row.rpmLimit, tpm: row.tpmLimit, tpd: row.tpdLimit };
  }
}

/** Output: the limits in force for a caller (0 = unlimited). */
export class EffectiveLimitsView {
  @ApiProperty({ description: 'requests per minute' }) rpm!: number;
  @ApiProperty({ description: 'tokens per minute' }) tpm!: number;
  @ApiProperty({ description: 'tokens per UTC day' }) tpd!: number;
}
