import { PROVIDER_TYPES, type ProviderType } from '@app/config';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

/** The first backend version's completion request, kept for the frontend that still sends it. */
export class LegacyCompletionRequestDto {
  @ApiProperty({ description: 'Sent as the one user message', example: 'Write a haiku about gateways' })
  @MinLength(1, { message: 'prompt must not be empty' })
  @IsString()
  prompt!: string;

  @ApiPropertyOptional({ enum: PROVIDER_TYPES, description: 'Only deployments of this vendor type' })
  @IsOptional()
  @IsIn(PROVIDER_TYPES, { message: `provider must be one of: ${PROVIDER_TYPES.join(', ')}` })
  provider?: ProviderType;

  @ApiPropertyOptional({
    description: 'Model or group; default: routing.defaultModel, else the first one served',
  })
  @IsOptional()
  @MinLength(1)
  @MaxLength(256)
  @IsString()
  model?: string;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @Min(1)
  @IsInt()
  max_tokens?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 2 })
  @IsOptional()
  @Min(0)
  @Max(2)
  @IsNumber()
  temperature?: number;
}
