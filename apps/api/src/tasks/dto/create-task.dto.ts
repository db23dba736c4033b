import { TASK_HANDLERS } from '@app/tasks';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsUrl, MaxLength } from 'class-validator';

const TASK_TYPES = TASK_HANDLERS.map((handler) => handler.type);

export class CreateTaskDto {
  @ApiProperty({ enum: TASK_TYPES, example: 'chat' })
  @IsIn(TASK_TYPES)
  type!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      '`chat`: a chat request `{model, messages, temperature?, max_tokens?, top_p?, stop?, seed?, response_format?}`. ' +
      '`batch`: `{requests: [chat request, ...], concurrency?}` (failed requests are recorded, the others go on). ' +
      '`chain`: `{model, system?, temperature?, max_tokens?, steps: [{prompt, model?, temperature?, max_tokens?}]}`, ' +
      'where `{{previous}}` in a prompt is the previous step’s answer.',
    example: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarise the plot of Hamlet.' }] },
  })
  @IsObject()
  input!: Record<string, unknown>;

  @ApiProperty({
    required: false,
    example: 'https://example.com/hooks/tasks',
    description:
      'POSTed the finished task (`{"event":"task.finished","task":{...}}`), signed in `x-gateway-signature: ' +
      't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with the `webhookSecret` of the create ' +
      'response; retried with backoff. Private, loopback and link-local addresses are refused.',
  })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2048)
  webhookUrl?: string;
}
