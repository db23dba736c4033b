import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsStopSequences, IsToolChoice } from '../validation/chat-validators';
import { ChatMessageDto } from './chat-message.dto';
import { ResponseFormatDto, StreamOptionsDto, ToolDto } from './chat-options.dto';

const IGNORED = 'Accepted for compatibility with OpenAI clients; not forwarded to the vendor.';

/** OpenAI's chat-completions request body, as far as this gateway supports it. */
export class ChatCompletionRequestDto {
  @ApiProperty({ description: 'A model or group name from GET /v1/models', example: 'gpt-4o-mini' })
  @MinLength(1)
  @MaxLength(256)
  @IsString()
  model!: string;

  @ApiProperty({ type: [ChatMessageDto] })
  @ArrayNotEmpty({ message: 'messages must contain at least one message' })
  @ArrayMaxSize(2048)
  @ValidateNested({ each: true })
  @Type(() => ChatMessageDto)
  @IsArray()
  messages!: ChatMessageDto[];

  @ApiPropertyOptional({ description: 'true: answer as text/event-stream with chat.completion.chunk events' })
  @IsOptional()
  @IsBoolean()
  stream?: boolean;

  @ApiPropertyOptional({ type: StreamOptionsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => StreamOptionsDto)
  stream_options?: StreamOptionsDto;

  @ApiPropertyOptional({ minimum: 0, maximum: 2, description: '0 makes the request cacheable' })
  @IsOptional()
  @Min(0)
  @Max(2)
  @IsNumber()
  temperature?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1 })
  @IsOptional()
  @Min(0)
  @Max(1)
  @IsNumber()
  top_p?: number;

  @ApiPropertyOptional({ minimum: 1, description: "At most the model's output limit" })
  @IsOptional()
  @Min(1)
  @IsInt()
  max_tokens?: number;

  @ApiPropertyOptional({ minimum: 1, description: 'Same as max_tokens (wins when both are given)' })
  @IsOptional()
  @Min(1)
  @IsInt()
  max_completion_tokens?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1, description: 'Only one choice is supported' })
  @IsOptional()
  @Min(1)
  @Max(1, { message: 'n must be 1: this gateway returns one choice' })
  @IsInt()
  n?: number;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: 4 }],
  })
  @IsOptional()
  @IsStopSequences()
  stop?: string | string[];

  @ApiPropertyOptional({ type: [ToolDto] })
  @IsOptional()
  @ArrayMaxSize(128)
  @ValidateNested({ each: true })
  @Type(() => ToolDto)
  @IsArray()
  tools?: ToolDto[];

  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', enum: ['none', 'auto', 'required'] },
      {
        type: 'object',
        required: ['type', 'function'],
        properties: {
          type: { type: 'string', enum: ['function'] },
          function: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
        },
      },
    ],
  })
  @IsOptional()
  @IsToolChoice()
  tool_choice?: 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

  @ApiPropertyOptional({ description: IGNORED })
  @IsOptional()
  @IsBoolean()
  parallel_tool_calls?: boolean;

  @ApiPropertyOptional({ type: ResponseFormatDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ResponseFormatDto)
  response_format?: ResponseFormatDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  seed?: number;

  @ApiPropertyOptional({ description: 'End-user id, passed to vendors that take one' })
  @IsOptional()
  @MaxLength(256)
  @IsString()
  user?: string;

  @ApiPropertyOptional({ minimum: -2, maximum: 2, description: IGNORED })
  @IsOptional()
  @Min(-2)
  @Max(2)
  @IsNumber()
  presence_penalty?: number;

  @ApiPropertyOptional({ minimum: -2, maximum: 2, description: IGNORED })
  @IsOptional()
  @Min(-2)
  @Max(2)
  @IsNumber()
  frequency_penalty?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'number' }, description: IGNORED })
  @IsOptional()
  @IsObject()
  logit_bias?: Record<string, number>;

  @ApiPropertyOptional({ enum: [false], description: 'Log probabilities are not supported' })
  @IsOptional()
  @IsIn([false], { message: 'logprobs is not supported by this gateway' })
  logprobs?: boolean;

  @ApiPropertyOptional({ description: IGNORED })
  @IsOptional()
  @Min(0)
  @Max(20)
  @IsInt()
  top_logprobs?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: IGNORED })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, string>;

  @ApiPropertyOptional({ description: IGNORED })
  @IsOptional()
  @IsBoolean()
  store?: boolean;
}
