import { CurrentPrincipal, EnforceTokenBudget, RequireScopes, type Principal } from '@app/auth';
import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ChatResponder, type ChatCall } from './chat-responder';
import { ChatCompletionRequestDto } from './dto/chat-completion-request.dto';
import { ChatCompletionDto } from './dto/chat-completion-response.dto';
import { ApiChatRoute, ApiJsonAndEventStream } from './http/api-docs';
import { toCompletionBody } from './http/completion-body';
import { toChatRequest } from './http/to-chat-request';

const STREAM_DOC =
  'With `stream: true`: text/event-stream of chat.completion.chunk events, then `data: [DONE]`.';

/** OpenAI's chat completions, plus the two routes the frontend already calls with the same body. */
@ApiTags('chat')
@ApiBearerAuth()
@RequireScopes('chat')
@EnforceTokenBudget()
@Controller()
export class ChatCompletionsController {
  constructor(private readonly responder: ChatResponder) {}

  @Post('v1/chat/completions')
  @ApiOperation({
    summary: 'OpenAI-compatible chat completion (JSON or SSE stream)',
    description: STREAM_DOC,
  })
  @ApiJsonAndEventStream()
  @ApiChatRoute({ type: ChatCompletionDto, description: 'The completion (JSON), or the SSE stream' }, true)
  openAi(
    @Body() body: ChatCompletionRequestDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.answer(body, body.stream === true, { principal, request, reply });
  }

  @Post('chat/completions')
  @ApiOperation({
    summary: 'Frontend route: same body and answer as /v1/chat/completions',
    description: STREAM_DOC,
  })
  @ApiJsonAndEventStream()
  @ApiChatRoute({ type: ChatCompletionDto, description: 'The completion (JSON), or the SSE stream' }, false)
  frontend(
    @Body() body: ChatCompletionRequestDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.answer(body, body.stream === true, { principal, request, reply });
  }

  @Post('chat/stream')
  @ApiOperation({
    summary: 'Frontend route: always streams (text/event-stream), whatever `stream` says',
    description: STREAM_DOC,
  })
  @ApiChatRoute(
    { description: 'text/event-stream of chat.completion.chunk events, then `data: [DONE]`' },
    false,
  )
  frontendStream(
    @Body() body: ChatCompletionRequestDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.answer(body, true, { principal, request, reply });
  }

  private answer(body: ChatCompletionRequestDto, stream: boolean, call: ChatCall): Promise<void> {
    const chatRequest = toChatRequest(body);
    if (stream) return this.responder.stream(chatRequest, call, body.stream_options?.include_usage === true);
    return this.responder.json(chatRequest, call, (result) => toCompletionBody(result.response));
  }
}
