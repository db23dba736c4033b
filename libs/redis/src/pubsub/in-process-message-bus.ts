import { processWide } from '@app/common';
import { EventEmitter } from 'node:events';
import type { MessageBus } from './message-bus';

/**
 * Embedded mode: the api and the worker share one process, so Node's own EventEmitter carries the
 * messages (one emitter per process, whichever Nest container publishes or listens).
 */
export class InProcessMessageBus implements MessageBus {
  private readonly emitter = processWide('message-bus', () => new EventEmitter().setMaxListeners(0));

  async publish(channel: string, message: string): Promise<void> {
    // Delivered on a later tick, as a network hop would be: a publisher never runs its listeners inline.
    setImmediate(() => this.emitter.emit(channel, message));
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => void> {
    this.emitter.on(channel, onMessage);
    return () => this.emitter.off(channel, onMessage);
  }

  async close(): Promise<void> {}
}
