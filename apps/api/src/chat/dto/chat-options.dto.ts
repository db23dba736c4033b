import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

export class FunctionDefinitionDto {
  @ApiProperty({ example: 'get_weather', pattern: '^[a-zA-Z0-9_-]{1,64}$' })
  @Matches(/^[a-zA-Z0-9_-]{1,64}$/, { message: 'name must be 1-64 letters, digits, underscores or dashes' })
  @IsString()
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @MaxLength(4096)
  @IsString()
  description?: string;

  @ApiPropertyOptional({
    description: 'JSON Schema of the arguments',
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject()
  parameters?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Accepted for compatibility; not forwarded' })
  @IsOptional()
  @IsBoolean()
  strict?: boolean;
}

export class ToolDto {
  @ApiProperty({ enum: ['function'] })
  @IsIn(['function'], { message: 'type must be function' })
  type!: 'function';

  @ApiProperty({ type: FunctionDefinitionDto })
  @ValidateNested()
  @Type(() => FunctionDefinitionDto)
  // ValidateNested lets a missing object through: without this, `{type: 'function'}` alone was a 500
  @IsObject()
  function!: FunctionDefinitionDto;
}

export class JsonSchemaFormatDto {
  @ApiProperty({ example: 'answer' })
  @Matches(/^[a-zA-Z0-9_-]{1,64}$/, { message: 'name must be 1-64 letters, digits, underscores or dashes' })
  @IsString()
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  description?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  schema?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  strict?: boolean;
}

export const RESPONSE_FORMATS = ['text', 'json_object', 'json_schema'] as const;

export class ResponseFormatDto {
  @ApiProperty({ enum: RESPONSE_FORMATS })
  @IsIn(RESPONSE_FORMATS, { message: `type must be one of: ${RESPONSE_FORMATS.join(', ')}` })
  type!: (typeof RESPONSE_FORMATS)[number];

  @ApiPropertyOptional({ type: JsonSchemaFormatDto, description: 'required when type is json_schema' })
  @ValidateIf(
    (format: ResponseFormatDto) => format.type === 'json_schema' || format.json_schema !== undefined,
  )
  @ValidateNested()
  @Type(() => JsonSchemaFormatDto)
  @IsObject({ message: 'json_schema is required when type is json_schema' })
  json_schema?: JsonSchemaFormatDto;
}

export class StreamOptionsDto {
  @ApiPropertyOptional({ description: 'Send a last chunk with `usage` (and `choices: []`) before [DONE]' })
  @IsOptional()
  @IsBoolean()
  include_usage?: boolean;
}
