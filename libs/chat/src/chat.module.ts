import { CallerLimitsModule } from '@app/auth';
import { CacheModule } from '@app/cache';
import { Module } from '@nestjs/common';
import { ChatObservers } from './chat-observers';
import { ChatService } from './chat.service';
import { CallerTokenBudget, TOKEN_BUDGET } from './token-budget';

/**
 * ChatService for any process that serves chat (api, worker). Needs the global AppConfigModule,
 * RedisModule and LlmModule. Subscribe to finished requests through ChatObservers.
 */
@Module({
  imports: [CacheModule, CallerLimitsModule],
  providers: [ChatService, ChatObservers, { provide: TOKEN_BUDGET, useClass: CallerTokenBudget }],
  exports: [ChatService, ChatObservers],
})
export class ChatModule {}
