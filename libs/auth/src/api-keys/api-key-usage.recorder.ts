import { AppConfig } from '@app/config';
import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { errorMessage } from '../shared/throttled-warning';
import { ApiKey } from './api-key.entity';

/**
 * Keeps `api_keys.last_used_at` roughly current without a write per request: used key ids are collected
 * in memory and written in one UPDATE every `auth.apiKeyLastUsedFlushMs`, and once more at shutdown.
 */
@Injectable()
export class ApiKeyUsageRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(ApiKeyUsageRecorder.name);
  private pending = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    private readonly config: AppConfig,
  ) {}

  touch(apiKeyId: string): void {
    this.pending.add(apiKeyId);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.config.auth.apiKeyLastUsedFlushMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const ids = [...this.pending];
    this.pending = new Set();
    try {
      await this.keys.update({ id: In(ids) }, { lastUsedAt: () => 'now()' });
    } catch (error) {
      this.logger.warn(`last-used times of ${ids.length} API key(s) not saved: ${errorMessage(error)}`);
    }
  }
}
