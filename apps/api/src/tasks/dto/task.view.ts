import {
  TASK_STATUSES,
  WEBHOOK_STATUSES,
  type TaskStatus,
  type TaskView,
  type WebhookStatus,
} from '@app/tasks';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class TaskProgressDto {
  @ApiProperty() done!: number;
  @ApiProperty() total!: number;
  @ApiProperty({ minimum: 0, maximum: 100 }) percent!: number;
}

export class TaskErrorDto {
  @ApiProperty({ example: 'rate_limited' }) code!: string;
  @ApiProperty() message!: string;
}

export class TaskWebhookDto {
  @ApiProperty() url!: string;
  @ApiProperty({ enum: WEBHOOK_STATUSES, nullable: true, type: String }) status!: WebhookStatus | null;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
}

/** Swagger's view of TaskView (libs/tasks), the one shape of a task in responses, SSE and webhooks. */
export class TaskDto implements TaskView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'chat' }) type!: string;
  @ApiProperty({ enum: TASK_STATUSES }) status!: TaskStatus;
  @ApiProperty({ type: TaskProgressDto }) progress!: TaskProgressDto;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Not in lists' })
  input?: unknown;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'Not in lists. `chat`: `{response}`; `batch`: `{items, succeeded, failed}`; `chain`: `{steps, output}`. ' +
      'A batch or chain keeps its partial result while running and after failing or being cancelled.',
  })
  result?: unknown;
  @ApiProperty({
    type: TaskErrorDto,
    nullable: true,
    description: 'The last failure (also while a retry waits)',
  })
  error!: TaskErrorDto | null;
  @ApiProperty({ description: 'Runs started (retries and takeovers after a worker crash included)' })
  attempts!: number;
  @ApiProperty({ type: TaskWebhookDto, nullable: true }) webhook!: TaskWebhookDto | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt!: string | null;
}

export class CreatedTaskDto extends TaskDto {
  @ApiPropertyOptional({
    description:
      'With a webhookUrl only: the secret its deliveries are signed with. Shown here only (and on a replay ' +
      'with the same Idempotency-Key); it is not stored.',
  })
  webhookSecret?: string;
}

export class TaskPageDto {
  @ApiProperty({ type: [TaskDto] }) data!: TaskDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'Pass as `cursor` for the next page',
  })
  nextCursor!: string | null;
}
