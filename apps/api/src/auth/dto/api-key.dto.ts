import { API_KEY_SCOPES, type ApiKey, type ApiKeyScope } from '@app/auth';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsDate,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { LimitOverridesDto, LimitOverridesView } from './limits.dto';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'billing service' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(API_KEY_SCOPES.length)
  @IsIn(API_KEY_SCOPES, { each: true })
  scopes!: ApiKeyScope[];

  @ApiProperty({ format: 'uuid', required: false, description: 'Owner (admins only; default: yourself)' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiProperty({ type: String, format: 'date-time', required: false, description: 'Default: never expires' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  expiresAt?: Date;

  @ApiProperty({ type: LimitOverridesDto, required: false, description: 'Admins only' })
  @IsOptional()
  @ValidateNested()
  @Type(() => LimitOverridesDto)
  limits?: LimitOverridesDto;
}

export class ListApiKeysQuery {
  @ApiProperty({ format: 'uuid', required: false, description: "Admins: one user's keys (default: all)" })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

export class ApiKeyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Visible part of the key: mpb_<prefix>_…', example: '3f9a0c41d2b7' })
  prefix!: string;
  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true }) scopes!: ApiKeyScope[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Updated in batches' })
  lastUsedAt!: Date | null;
  @ApiProperty({ type: LimitOverridesView }) limits!: LimitOverridesView;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;

  static of(key: ApiKey): ApiKeyView {
    return {
      id: key.id,
      userId: key.userId,
      name: key.name,
      prefix: key.prefix,
      scopes: key.scopes,
      expiresAt: key.expiresAt,
      revokedAt: key.revokedAt,
      lastUsedAt: key.lastUsedAt,
      limits: LimitOverridesView.of(key),
      createdAt: key.createdAt,
    };
  }
}

export class CreatedApiKeyView extends ApiKeyView {
  @ApiProperty({
    description: 'The key itself: shown this once, store it now',
    example: 'mpb_3f9a0c41d2b7_…',
  })
  key!: string;
}
