import type { Principal } from '@app/auth';
import type { ChatCompletionResult, ChatContext, ChatStreamResult } from '@app/chat';
import { ChatService } from '@app/chat';
import { describeException, DomainException } from '@app/common';
import { AppConfig, type ProviderType } from '@app/config';
import type { ChatRequest } from '@app/llm';
import { Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiDrain, shuttingDown } from '../shutdown/api-drain';
import { callerFor } from './http/chat-caller';
import { abortOnDisconnect } from './http/client-disconnect';
import { gatewayHeaders } from './http/gateway-headers';
import { readCacheDirectives, readRoutingHints } from './http/request-hints';
import { SseChannel } from './sse/sse-channel';
import { commentFrame, dataFrame, DONE_FRAME, OpenAiChunkEncoder } from './sse/sse-frames';

/** Who asks, and what the route adds to the headers' hints. */
export interface ChatCall {
  principal: Principal;
  request: FastifyRequest;
  reply: FastifyReply;
  /** the legacy body's vendor pin */
  provider?: ProviderType;
}

/**
 * The HTTP side of a chat request, shared by every chat route: headers in (hints, cache directives),
 * ChatService, headers out, and the answer as JSON or as server-sent events. A closed connection aborts
 * the upstream call.
 */
@Injectable()
export class ChatResponder {
  private readonly logger = new Logger(ChatResponder.name);
  private readonly heartbeatMs: number;

  constructor(
    private readonly chat: ChatService,
    config: AppConfig,
    private readonly drain: ApiDrain,
  ) {
    this.heartbeatMs = config.server.streamHeartbeatMs;
  }

  async json<Body>(
    chatRequest: ChatRequest,
    call: ChatCall,
    present: (result: ChatCompletionResult) => Body,
  ): Promise<void> {
    const { reply } = call;
    const disconnect = abortOnDisconnect(reply.raw);
    const untrack = this.drain.track(() => disconnect.abort(shuttingDown()));
    try {
      const result = await this.chat.complete(chatRequest, this.contextFor(call, disconnect.signal));
      void reply.status(200).headers(gatewayHeaders(result.routing, result.cache)).send(present(result));
    } catch (error) {
      throw interruptionOf(disconnect.signal) ?? error;
    } finally {
      untrack();
      disconnect.dispose();
    }
  }

  /** Errors before the stream opened are thrown (plain HTTP errors); later ones become an error event. */
  async stream(chatRequest: ChatRequest, call: ChatCall, includeUsage: boolean): Promise<void> {
    const { request, reply } = call;
    const disconnect = abortOnDisconnect(reply.raw);
    const untrack = this.drain.track(() => disconnect.abort(shuttingDown()));
    const channel = new SseChannel(reply, this.heartbeatMs);
    try {
      const context = this.contextFor(call, disconnect.signal);
      channel.watchSilence();
      let result: ChatStreamResult;
      try {
        result = await this.chat.stream(chatRequest, context);
      } catch (error) {
        const failure = interruptionOf(disconnect.signal) ?? error;
        if (!channel.isOpen) throw failure;
        this.writeError(channel, failure, request);
        return;
      }
      this.openWithRouting(channel, result);
      await this.pipe(channel, result, includeUsage, request, disconnect.signal);
    } finally {
      untrack();
      channel.end();
      disconnect.dispose();
    }
  }

  /** Every chat route is marked @EnforceTokenBudget(): the throttler guard has checked the budget. */
  private contextFor(call: ChatCall, signal: AbortSignal): ChatContext {
    const { request } = call;
    return {
      caller: callerFor(call.principal),
      requestId: String(request.id),
      route: `${request.method} ${request.routeOptions.url ?? request.url}`,
      hints: readRoutingHints(request.headers, call.provider),
      cache: readCacheDirectives(request.headers),
      signal,
      budgetChecked: true,
    };
  }

  /** Routing headers; if a heartbeat already opened the stream, the same facts as a comment. */
  private openWithRouting(channel: SseChannel, result: ChatStreamResult): void {
    const headers = gatewayHeaders(result.routing, result.cache);
    if (!channel.isOpen) return channel.open(headers);
    const facts = Object.entries(headers).map(([name, value]) => `${name}=${value}`);
    void channel.write(commentFrame(facts.join(' ')));
  }

  private async pipe(
    channel: SseChannel,
    result: ChatStreamResult,
    includeUsage: boolean,
    request: FastifyRequest,
    signal: AbortSignal,
  ): Promise<void> {
    const encoder = new OpenAiChunkEncoder(result.routing.model, includeUsage);
    try {
      for await (const chunk of result.chunks) {
        const frame = encoder.frame(chunk);
        if (frame === undefined) continue;
        const drained = channel.write(frame);
        if (drained) await drained;
        if (channel.closed) break; // leaving the loop closes the upstream stream
      }
      if (channel.closed) return;
      // An interrupted upstream stream may just stop: never let it pass for a complete answer.
      const interrupted = interruptionOf(signal);
      if (interrupted) return this.writeError(channel, interrupted, request);
      const usage = encoder.usageFrame();
      if (usage) void channel.write(usage);
      void channel.write(DONE_FRAME);
    } catch (error) {
      if (!channel.closed) this.writeError(channel, interruptionOf(signal) ?? error, request);
    }
  }

  private writeError(channel: SseChannel, error: unknown, request: FastifyRequest): void {
    const { body } = describeException(error, request, this.logger);
    void channel.write(dataFrame(JSON.stringify(body)));
  }
}

/** The drain's 503 when the api's shutdown (not the client, not the vendor) ended the call. */
function interruptionOf(signal: AbortSignal): DomainException | undefined {
  return signal.aborted && signal.reason instanceof DomainException ? signal.reason : undefined;
}
