import type { RedisConfig } from '@app/config';
import type Redis from 'ioredis';
import { createRedisClient } from '../redis-client.factory';
import type { MessageBus } from './message-bus';

/**
 * Redis pub/sub: publishes on the shared request-path connection; one subscriber connection per process,
 * opened on the first subscription and fanned out to every listener of a channel.
 */
export class RedisMessageBus implements MessageBus {
  private subscriber?: Redis;
  private readonly listeners = new Map<string, Set<(message: string) => void>>();
  private readonly subscriptions = new Map<string, Promise<unknown>>();

  constructor(
    private readonly publisher: Redis,
    private readonly config: RedisConfig,
    private readonly name = 'mpb',
  ) {}

  async publish(channel: string, message: string): Promise<void> {
    await this.publisher.publish(channel, message);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => void> {
    let group = this.listeners.get(channel);
    if (!group) {
      group = new Set();
      this.listeners.set(channel, group);
      // ioredis subscribes once connected, and again after every reconnect.
      this.subscriptions.set(
        channel,
        this.client()
          .subscribe(channel)
          .catch(() => undefined),
      );
    }
    group.add(onMessage);
    await this.subscriptions.get(channel);
    const members = group;
    return () => {
      members.delete(onMessage);
      if (members.size > 0 || this.listeners.get(channel) !== members) return;
      this.listeners.delete(channel);
      this.subscriptions.delete(channel);
      this.client()
        .unsubscribe(channel)
        .catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber || subscriber.status === 'end') return;
    await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private client(): Redis {
    if (!this.subscriber) {
      this.subscriber = createRedisClient(this.config, 'subscriber', this.name);
      this.subscriber.on('message', (channel: string, message: string) =>
        this.listeners.get(channel)?.forEach((listener) => listener(message)),
      );
    }
    return this.subscriber;
  }
}
