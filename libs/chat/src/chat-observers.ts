import type { CacheStatus } from '@app/cache';
import type { ProviderType } from '@app/config';
import type { AttemptRecord, Usage } from '@app/llm';
import { Injectable, Logger } from '@nestjs/common';

/** aborted: the caller went away (client disconnect, cancelled task) or closed the stream early. */
export type ChatOutcome = 'ok' | 'error' | 'aborted';

/** One finished chat request, as analytics sees it. */
export interface ChatFinishedEvent {
  callerId: string;
  /** set when the caller used an API key */
  apiKeyId?: string;
  requestId?: string;
  route?: string;
  requestedModel: string;
  /** who served; absent when nothing did */
  model?: string;
  provider?: ProviderType;
  deploymentId?: string;
  stream: boolean;
  outcome: ChatOutcome;
  cache: CacheStatus;
  /** tokens as the vendor reported them (on a hit: those of the original answer) */
  usage?: Usage;
  attempts: readonly AttemptRecord[];
  /** from the service receiving the request to the last byte (streams) or the response */
  durationMs: number;
  /** streams: from the service receiving the request to the first chunk */
  ttftMs?: number;
  error?: { code: string; status?: number; message: string };
}

export interface ChatObserver {
  onChatFinished(event: ChatFinishedEvent): void | Promise<void>;
}

/**
 * Fans finished requests out to observers after the request's own work (next macrotask), never awaited;
 * an observer that throws or rejects is logged and ignored.
 */
@Injectable()
export class ChatObservers {
  private readonly logger = new Logger(ChatObservers.name);
  private observers: readonly ChatObserver[] = [];

  /** Returns the unsubscribe function. */
  add(observer: ChatObserver): () => void {
    this.observers = [...this.observers, observer];
    return () => {
      this.observers = this.observers.filter((o) => o !== observer);
    };
  }

  /** False when nobody listens, so the service can skip building events. */
  get active(): boolean {
    return this.observers.length > 0;
  }

  notify(event: ChatFinishedEvent): void {
    const observers = this.observers;
    if (observers.length === 0) return;
    setImmediate(() => {
      for (const observer of observers) {
        try {
          const result = observer.onChatFinished(event);
          if (result instanceof Promise) result.catch((error: unknown) => this.report(error));
        } catch (error) {
          this.report(error);
        }
      }
    });
  }

  private report(error: unknown): void {
    this.logger.warn(`a chat observer failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
