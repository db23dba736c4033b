import { PROVIDER_TYPES } from '@app/config';
import { ApiProperty } from '@nestjs/swagger';
import { UsageDto } from './chat-completion-response.dto';

export class LegacyChoiceDto {
  @ApiProperty() index!: number;
  @ApiProperty() text!: string;
  @ApiProperty({ type: Object, nullable: true, description: 'always null' }) logprobs!: null;
  @ApiProperty({ enum: ['stop', 'length', 'tool_calls', 'content_filter'] }) finish_reason!: string;
}

/** OpenAI's text-completion shape, plus the vendor type that answered. */
export class LegacyCompletionDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['text_completion'] }) object!: 'text_completion';
  @ApiProperty({ description: 'unix seconds' }) created!: number;
  @ApiProperty() model!: string;
  @ApiProperty({ enum: PROVIDER_TYPES }) provider!: string;
  @ApiProperty({ type: [LegacyChoiceDto] }) choices!: LegacyChoiceDto[];
  @ApiProperty({ type: UsageDto }) usage!: UsageDto;
}
