import type {
  DeploymentConfig,
  DeploymentModelConfig,
  ProviderType,
  RoutingConfig,
  RoutingStrategy,
} from '@app/config';
import type { LlmProvider, ProviderFactoryFn } from '../core/provider';

/** One way to serve a public model: a deployment, its provider and the vendor's id for the model. */
export interface Candidate {
  readonly deployment: DeploymentConfig;
  readonly provider: LlmProvider;
  readonly vendorModel: string;
  readonly modelConfig: DeploymentModelConfig;
}

export type RouteKind = 'model' | 'group';

/** What a requested name resolves to. Routes are built once; `candidates` is in config order. */
export interface ResolvedRoute {
  readonly name: string;
  readonly kind: RouteKind;
  readonly strategy: RoutingStrategy;
  readonly candidates: readonly Candidate[];
}

/** One entry of GET /v1/models. */
export interface CatalogEntry {
  readonly id: string;
  readonly kind: RouteKind;
  readonly strategy: RoutingStrategy;
  /** for groups: the public models behind the alias, in fallback order */
  readonly models: readonly string[];
  readonly deploymentIds: readonly string[];
  readonly providers: readonly ProviderType[];
}

export interface DeploymentEntry {
  readonly deployment: DeploymentConfig;
  readonly provider: LlmProvider;
}

/**
 * Resolves public model names and group aliases to the deployments that can serve them. Built once from
 * config (enabled deployments only), one provider per deployment. A group alias wins over a model of the
 * same name, so a group can extend a model with fallbacks (group `gpt-4o` = [`gpt-4o`, `gpt-4o-mini`]);
 * group members always name models, never other groups.
 */
export class ModelCatalog {
  private readonly routes = new Map<string, ResolvedRoute>();
  private readonly entries: CatalogEntry[] = [];
  private readonly deploymentsById = new Map<string, DeploymentEntry>();
  /** Config inconsistencies that do not stop the gateway (e.g. a group naming an unserved model). */
  readonly warnings: string[] = [];

  constructor(
    deployments: readonly DeploymentConfig[],
    routing: Pick<RoutingConfig, 'defaultStrategy' | 'groups'>,
    createProvider: ProviderFactoryFn,
  ) {
    const byModel = this.indexModels(deployments, createProvider);
    for (const [name, candidates] of byModel) {
      this.addRoute({ name, kind: 'model', strategy: routing.defaultStrategy, candidates }, [name]);
    }
    for (const group of routing.groups) this.addGroup(group, byModel, routing.defaultStrategy);
  }

  resolve(name: string): ResolvedRoute | undefined {
    return this.routes.get(name);
  }

  /** Models first (config order), then groups. */
  list(): readonly CatalogEntry[] {
    return this.entries;
  }

  deployment(deploymentId: string): DeploymentEntry | undefined {
    return this.deploymentsById.get(deploymentId);
  }

  /** Every enabled deployment with its provider (health probes, /providers). */
  deployments(): IterableIterator<DeploymentEntry> {
    return this.deploymentsById.values();
  }

  private indexModels(
    deployments: readonly DeploymentConfig[],
    createProvider: ProviderFactoryFn,
  ): Map<string, Candidate[]> {
    const byModel = new Map<string, Candidate[]>();
    for (const deployment of deployments) {
      if (!deployment.enabled) continue;
      if (this.deploymentsById.has(deployment.id))
        throw new Error(`duplicate deployment id "${deployment.id}"`);
      const provider = createProvider(deployment);
      this.deploymentsById.set(deployment.id, { deployment, provider });
      for (const modelConfig of deployment.models) {
        const candidates = byModel.get(modelConfig.name) ?? [];
        if (candidates.some((c) => c.deployment === deployment)) {
          this.warnings.push(
            `deployment "${deployment.id}" lists model "${modelConfig.name}" twice; the first entry is used`,
          );
          continue;
        }
        candidates.push({
          deployment,
          provider,
          vendorModel: modelConfig.model ?? modelConfig.name,
          modelConfig,
        });
        byModel.set(modelConfig.name, candidates);
      }
    }
    return byModel;
  }

  private addGroup(
    group: RoutingConfig['groups'][number],
    byModel: ReadonlyMap<string, readonly Candidate[]>,
    defaultStrategy: RoutingStrategy,
  ): void {
    const candidates: Candidate[] = [];
    const models: string[] = [];
    for (const model of group.models) {
      const served = byModel.get(model);
      if (!served) {
        this.warnings.push(
          `group "${group.name}" names model "${model}", which no enabled deployment serves`,
        );
        continue;
      }
      if (models.includes(model)) continue;
      models.push(model);
      candidates.push(...served);
    }
    if (candidates.length === 0) {
      this.warnings.push(`group "${group.name}" has no servable model and is not offered`);
      return;
    }
    if (this.routes.has(group.name)) {
      if (this.routes.get(group.name)?.kind === 'group') {
        this.warnings.push(`group "${group.name}" is defined twice; the first definition is used`);
        return;
      }
      this.warnings.push(`group "${group.name}" shadows the model of the same name`);
      const shadowed = this.entries.findIndex((e) => e.id === group.name);
      this.entries.splice(shadowed, 1);
    }
    this.addRoute(
      { name: group.name, kind: 'group', strategy: group.strategy ?? defaultStrategy, candidates },
      models,
    );
  }

  private addRoute(route: ResolvedRoute, models: readonly string[]): void {
    this.routes.set(route.name, route);
    const deploymentIds = [...new Set(route.candidates.map((c) => c.deployment.id))];
    const providers = [...new Set(route.candidates.map((c) => c.deployment.type))];
    this.entries.push({
      id: route.name,
      kind: route.kind,
      strategy: route.strategy,
      models,
      deploymentIds,
      providers,
    });
  }
}
