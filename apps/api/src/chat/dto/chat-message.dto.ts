import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsMessageContent } from '../validation/chat-validators';

/** `developer` is OpenAI's newer name for `system`. */
export const MESSAGE_ROLES = ['system', 'developer', 'user', 'assistant', 'tool'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

export class ToolCallFunctionDto {
  @ApiProperty({ example: 'get_weather' })
  @MinLength(1)
  @IsString()
  name!: string;

  @ApiProperty({ description: 'JSON-encoded arguments', example: '{"city":"Paris"}' })
  @IsString()
  arguments!: string;
}

export class ToolCallDto {
  @ApiProperty({ example: 'call_abc123' })
  @MinLength(1)
  @IsString()
  id!: string;

  @ApiProperty({ enum: ['function'] })
  @IsIn(['function'])
  type!: 'function';

  @ApiProperty({ type: ToolCallFunctionDto })
  @ValidateNested()
  @Type(() => ToolCallFunctionDto)
  // ValidateNested lets a missing object through: without this, `{id, type}` alone was a 500 later on
  @IsObject()
  function!: ToolCallFunctionDto;
}

const TEXT_PART = {
  type: 'object',
  required: ['type', 'text'],
  properties: { type: { type: 'string', enum: ['text'] }, text: { type: 'string' } },
};
const IMAGE_PART = {
  type: 'object',
  required: ['type', 'image_url'],
  properties: {
    type: { type: 'string', enum: ['image_url'] },
    image_url: {
      type: 'object',
      required: ['url'],
      properties: {
        url: { type: 'string', description: 'https URL or data URL' },
        detail: { type: 'string', enum: ['auto', 'low', 'high'] },
      },
    },
  },
};

export class ChatMessageDto {
  @ApiProperty({ enum: MESSAGE_ROLES, description: '`developer` is treated as `system`' })
  @IsIn(MESSAGE_ROLES, { message: `role must be one of: ${MESSAGE_ROLES.join(', ')}` })
  role!: MessageRole;

  @ApiProperty({
    description:
      'Text, or content parts (image parts only in user messages); null only on an assistant message with tool_calls',
    nullable: true,
    oneOf: [{ type: 'string' }, { type: 'array', items: { oneOf: [TEXT_PART, IMAGE_PART] } }],
  })
  @IsMessageContent()
  content!: string | Array<Record<string, unknown>> | null;

  @ApiPropertyOptional({ description: 'Participant name' })
  @IsOptional()
  @MaxLength(256)
  @IsString()
  name?: string;

  @ApiPropertyOptional({ type: [ToolCallDto], description: 'Assistant messages: the tools it called' })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => ToolCallDto)
  @IsArray()
  tool_calls?: ToolCallDto[];

  @ApiPropertyOptional({ description: 'Tool messages (required there): the call this result answers' })
  @ValidateIf((message: ChatMessageDto) => message.role === 'tool' || message.tool_call_id !== undefined)
  @MinLength(1, { message: 'tool_call_id must not be empty' })
  @IsString({ message: 'tool_call_id must be a string (required on tool messages)' })
  tool_call_id?: string;
}
