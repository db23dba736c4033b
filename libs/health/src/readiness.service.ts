import { AppConfig, isEmbedded } from '@app/config';
import { REDIS_CLIENT } from '@app/redis';
import { Inject, Injectable } from '@nestjs/common';
import {
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
} from '@nestjs/terminus';
import type Redis from 'ioredis';

const CHECK_TIMEOUT_MS = 1_500;

export interface DependencyStatus {
  dependency: string;
  status: 'up' | 'down';
  message?: string;
}

export interface Readiness {
  ready: boolean;
  dependencies: DependencyStatus[];
}

/** Readiness of the process's dependencies (PostgreSQL, and Redis in full mode), shared by the api and the worker. */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly typeorm: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async check(): Promise<Readiness> {
    let result: HealthCheckResult;
    try {
      const database = () => this.typeorm.pingCheck('database').withTimeout(CHECK_TIMEOUT_MS);
      const redis = () =>
        this.indicators
          .check('redis')
          .attempt(async () => {
            await this.redis.ping();
          })
          .withTimeout(CHECK_TIMEOUT_MS);
      // Embedded mode has no Redis: the database is the only dependency.
      result = await this.health.check(isEmbedded(this.config) ? [database] : [database, redis]);
    } catch (error) {
      result = extractResult(error);
    }
    const details = result.details ?? {};
    const dependencies = Object.entries(details).map(([dependency, info]) => {
      const status: DependencyStatus['status'] = info.status === 'down' ? 'down' : 'up';
      const message = typeof info.message === 'string' ? info.message : undefined;
      return message && status === 'down' ? { dependency, status, message } : { dependency, status };
    });
    return { ready: dependencies.every((d) => d.status === 'up'), dependencies };
  }
}

/** Terminus throws a ServiceUnavailableException whose response is the full result. */
function extractResult(error: unknown): HealthCheckResult {
  const response = (error as { getResponse?: () => unknown }).getResponse?.();
  if (response && typeof response === 'object' && 'details' in response) return response as HealthCheckResult;
  throw error;
}
