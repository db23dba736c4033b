import { CurrentPrincipal, EnforceTokenBudget, RequireScopes, type Principal } from '@app/auth';
import { ChatService } from '@app/chat';
import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ChatResponder } from './chat-responder';
import { LegacyCompletionRequestDto } from './dto/legacy-completion-request.dto';
import { LegacyCompletionDto } from './dto/legacy-completion-response.dto';
import { ApiChatRoute } from './http/api-docs';
import { toLegacyBody } from './http/completion-body';
import { legacyToChatRequest } from './http/to-chat-request';

/** The first backend version's route, kept for clients that still call it. */
@ApiTags('chat')
@ApiBearerAuth()
@RequireScopes('chat')
@EnforceTokenBudget()
@Controller('api/v1')
export class LegacyCompletionsController {
  constructor(
    private readonly responder: ChatResponder,
    private readonly chat: ChatService,
  ) {}

  @Post('completions')
  @ApiOperation({
    summary: 'Legacy: one prompt in, text out (same routing, cache and headers as the chat routes)',
    deprecated: true,
  })
  @ApiChatRoute({ type: LegacyCompletionDto, description: 'The completion' }, false)
  complete(
    @Body() body: LegacyCompletionRequestDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const chatRequest = legacyToChatRequest(body, body.model ?? this.chat.defaultModel());
    return this.responder.json(
      chatRequest,
      { principal, request, reply, provider: body.provider },
      (result) => toLegacyBody(result.response, result.routing.provider),
    );
  }
}
