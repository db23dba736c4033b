import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HealthMonitor } from '../health/health-monitor';
import { HealthProber } from '../health/health-prober';

/** Starts the health flusher and the prober with the application and stops them with it. */
@Injectable()
export class LlmLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly monitor: HealthMonitor,
    private readonly prober: HealthProber,
  ) {}

  onApplicationBootstrap(): void {
    this.monitor.start();
    this.prober.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.prober.stop();
    await this.monitor.stop();
  }
}
