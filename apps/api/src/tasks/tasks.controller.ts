import { CurrentPrincipal, RequireScopes, type Principal } from '@app/auth';
import { describeException, DomainException } from '@app/common';
import { AppConfig } from '@app/config';
import {
  TaskCancellation,
  TaskEventStream,
  TaskProducer,
  TaskQueries,
  toTaskSummary,
  toTaskView,
  WebhookSecrets,
} from '@app/tasks';
import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  Param,
  ParseUUIDPipe,
  Post,
  Logger,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiDrain, shuttingDown } from '../shutdown/api-drain';
import { CreatedTaskDto, TaskDto, TaskPageDto } from './dto/task.view';
import { CreateTaskDto } from './dto/create-task.dto';
import { ListTasksQuery } from './dto/list-tasks.query';
import { streamTaskEvents } from './task-events.sse';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

@ApiTags('tasks')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, invalid or expired credentials' })
@RequireScopes('tasks')
@Controller('tasks')
export class TasksController {
  private readonly logger = new Logger('TasksController');

  constructor(
    private readonly producer: TaskProducer,
    private readonly queries: TaskQueries,
    private readonly cancellation: TaskCancellation,
    private readonly eventStream: TaskEventStream,
    private readonly secrets: WebhookSecrets,
    private readonly config: AppConfig,
    private readonly drain: ApiDrain,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Start a background task (chat, batch or chain), run by a worker',
    description:
      'Answers at once with the queued task. With an `Idempotency-Key` the same key (per user) returns the ' +
      'task it created before (200) instead of a new one; the same key with a different request is a 409.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Up to 255 visible ASCII characters' })
  @ApiCreatedResponse({ type: CreatedTaskDto, description: 'Created' })
  @ApiOkResponse({
    type: CreatedTaskDto,
    description: 'Replayed: the task an earlier request with this key created',
  })
  @ApiConflictResponse({ description: 'The Idempotency-Key was used with a different request' })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateTaskDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreatedTaskDto> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw DomainException.badRequest('Idempotency-Key must be 1 to 255 visible ASCII characters');
    }
    const { task, created } = await this.producer.create({
      requestedBy: principal,
      type: body.type,
      input: body.input,
      webhookUrl: body.webhookUrl,
      idempotencyKey,
    });
    void reply.status(created ? 201 : 200).header('cache-control', 'no-store');
    if (!created) void reply.header('idempotent-replayed', 'true');
    return {
      ...toTaskView(task),
      ...(task.webhookUrl ? { webhookSecret: this.secrets.secretFor(task.id) } : {}),
    };
  }

  @Get()
  @ApiOperation({ summary: 'Your tasks, newest first (without input and result)' })
  @ApiOkResponse({ type: TaskPageDto })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListTasksQuery): Promise<TaskPageDto> {
    const page = await this.queries.list({
      ownerId: principal.userId,
      status: query.status,
      limit: query.limit ?? 20,
      after: query.cursor,
    });
    return { data: page.tasks.map(toTaskSummary), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A task: status, progress, result (partial while it runs) or error' })
  @ApiOkResponse({ type: TaskDto })
  @ApiNotFoundResponse({ description: 'No such task, or not yours' })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<TaskDto> {
    return toTaskView(await this.queries.get(principal.userId, id));
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Cancel a task',
    description:
      'A queued task never starts; a running one is stopped within seconds (its upstream call is aborted). ' +
      'Cancelling a cancelled task is a no-op.',
  })
  @ApiOkResponse({ type: TaskDto, description: 'The task, now cancelled' })
  @ApiNotFoundResponse({ description: 'No such task, or not yours' })
  @ApiConflictResponse({ description: 'The task already succeeded or failed' })
  async cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<TaskDto> {
    return toTaskView(await this.cancellation.cancel(principal.userId, id));
  }

  @Get(':id/events')
  @ApiOperation({
    summary: 'Follow a task as server-sent events',
    description:
      '`event: task` (the task now), then `event: progress` (`{id, status, progress}`) on every change, then ' +
      '`event: done` with the finished task (result included), after which the stream ends.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An event stream', schema: { type: 'string' } })
  @ApiNotFoundResponse({ description: 'No such task, or not yours' })
  async events(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const stop = new AbortController();
    reply.raw.once('close', () => stop.abort());
    // At the api's drain deadline the stream ends with an error event; the client follows up elsewhere.
    const untrack = this.drain.track(() => stop.abort(shuttingDown()));
    try {
      const events = await this.eventStream.open(principal.userId, id, stop.signal);
      await streamTaskEvents(reply, events, this.config.server.streamHeartbeatMs, () =>
        stop.signal.reason instanceof DomainException
          ? describeException(stop.signal.reason, request, this.logger).body
          : undefined,
      );
    } finally {
      untrack();
    }
  }
}
