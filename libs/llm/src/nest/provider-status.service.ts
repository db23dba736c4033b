import type { DeploymentConfig, ProviderType } from '@app/config';
import { Inject, Injectable } from '@nestjs/common';
import { HealthMonitor } from '../health/health-monitor';
import type { SharedHealthSnapshot } from '../health/health-report';
import type { CapacityLimiter } from '../router/deployment-gates';
import { ModelCatalog } from '../router/model-catalog';
import { CAPACITY_LIMITER } from './llm.tokens';

export interface DeploymentStatus {
  id: string;
  type: ProviderType;
  models: { name: string; vendorModel: string }[];
  priority: number;
  weight: number;
  timeoutMs: number;
  probe: boolean;
  limits: { rpm: number | null; tpm: number | null };
  /** null when unlimited, or when Redis could not be asked */
  remaining: { requests: number | null; tokens: number | null };
  health: SharedHealthSnapshot;
}

export interface ProviderSummary {
  type: ProviderType;
  deployments: DeploymentStatus[];
}

/** The live view behind GET /providers: configuration minus every credential, plus shared health. */
@Injectable()
export class ProviderStatusService {
  constructor(
    private readonly catalog: ModelCatalog,
    private readonly monitor: HealthMonitor,
    @Inject(CAPACITY_LIMITER) private readonly capacity: CapacityLimiter,
  ) {}

  async list(): Promise<ProviderSummary[]> {
    const deployments = [...this.catalog.deployments()].map((e) => e.deployment);
    const statuses = await this.statuses(deployments);
    const byType = new Map<ProviderType, DeploymentStatus[]>();
    for (const status of statuses) byType.set(status.type, [...(byType.get(status.type) ?? []), status]);
    return [...byType].map(([type, list]) => ({ type, deployments: list }));
  }

  /** undefined when no enabled deployment has this id */
  async one(deploymentId: string): Promise<DeploymentStatus | undefined> {
    const entry = this.catalog.deployment(deploymentId);
    if (!entry) return undefined;
    const [status] = await this.statuses([entry.deployment]);
    return status;
  }

  private async statuses(deployments: DeploymentConfig[]): Promise<DeploymentStatus[]> {
    const [health, remaining] = await Promise.all([
      this.monitor.sharedSnapshot(deployments.map((d) => d.id)),
      Promise.all(
        deployments.map((d) => this.capacity.remaining(d).catch(() => ({ requests: null, tokens: null }))),
      ),
    ]);
    return deployments.map((d, i) => ({
      id: d.id,
      type: d.type,
      models: d.models.map((m) => ({ name: m.name, vendorModel: m.model ?? m.name })),
      priority: d.priority,
      weight: d.weight,
      timeoutMs: d.timeoutMs,
      probe: d.probe,
      limits: { rpm: d.rpm || null, tpm: d.tpm || null },
      remaining: remaining[i],
      health: health[d.id],
    }));
  }
}
