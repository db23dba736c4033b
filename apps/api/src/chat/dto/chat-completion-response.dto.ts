import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ToolCallDto } from './chat-message.dto';

export class UsageDto {
  @ApiProperty() prompt_tokens!: number;
  @ApiProperty() completion_tokens!: number;
  @ApiProperty() total_tokens!: number;
}

export class AssistantMessageDto {
  @ApiProperty({ enum: ['assistant'] }) role!: 'assistant';
  @ApiProperty({ type: String, nullable: true }) content!: string | null;
  @ApiPropertyOptional({ type: [ToolCallDto] }) tool_calls?: ToolCallDto[];
  @ApiProperty({ type: String, nullable: true, description: 'always null' }) refusal!: null;
}

export class ChoiceDto {
  @ApiProperty() index!: number;
  @ApiProperty({ type: AssistantMessageDto }) message!: AssistantMessageDto;
  @ApiProperty({ type: Object, nullable: true, description: 'always null' }) logprobs!: null;
  @ApiProperty({ enum: ['stop', 'length', 'tool_calls', 'content_filter'] }) finish_reason!: string;
}

/**
 * The JSON answer. With `stream: true` the answer is `text/event-stream` instead: `data: {chunk}` events
 * (`object: "chat.completion.chunk"`, `choices[].delta`), a usage chunk when
 * `stream_options.include_usage`, then `data: [DONE]`; `: keep-alive` comments on long silences; a
 * failure after the stream started is one `data: {"error":{...}}` event and the stream ends without [DONE].
 */
export class ChatCompletionDto {
  @ApiProperty({ example: 'chatcmpl-abc123' }) id!: string;
  @ApiProperty({ enum: ['chat.completion'] }) object!: 'chat.completion';
  @ApiProperty({ description: 'unix seconds' }) created!: number;
  @ApiProperty({ description: 'The public model that answered (a group resolves to one of its models)' })
  model!: string;
  @ApiProperty({ type: [ChoiceDto] }) choices!: ChoiceDto[];
  @ApiProperty({ type: UsageDto }) usage!: UsageDto;
}
