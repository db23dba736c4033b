import { ChatModule } from '@app/chat';
import { Module } from '@nestjs/common';
import { ChatCompletionsController } from './chat-completions.controller';
import { ChatResponder } from './chat-responder';
import { LegacyCompletionsController } from './legacy-completions.controller';
import { ModelsController } from './models.controller';

/** The chat HTTP surface: /v1/chat/completions, /v1/models, /chat/completions, /chat/stream, /api/v1/completions. */
@Module({
  imports: [ChatModule],
  controllers: [ChatCompletionsController, ModelsController, LegacyCompletionsController],
  providers: [ChatResponder],
})
export class ChatApiModule {}
