import type { DeploymentConfig } from '@app/config';
import { ModelCatalog } from './model-catalog';
import { FakeProvider } from './testing/fake-provider';
import { deploymentConfig, routingConfig } from './testing/fixtures';

function catalogOf(deployments: DeploymentConfig[], routing = routingConfig()): ModelCatalog {
  return new ModelCatalog(deployments, routing, (d) => new FakeProvider(d.id, d.type));
}

describe('ModelCatalog', () => {
  const deployments = [
    deploymentConfig('oai', { type: 'openai', models: [{ name: 'gpt-4o' }, { name: 'gpt-4o-mini' }] }),
    deploymentConfig('azure', {
      type: 'azure',
      models: [{ name: 'gpt-4o', model: 'my-gpt4o-deployment', maxOutputTokens: 4_096 }],
    }),
    deploymentConfig('claude', {
      type: 'anthropic',
      models: [{ name: 'claude-sonnet', model: 'claude-sonnet-4-5' }],
    }),
    deploymentConfig('off', { enabled: false, models: [{ name: 'gpt-4o' }, { name: 'only-disabled' }] }),
  ];

  it('resolves a public model to every enabled deployment serving it, with the vendor model id', () => {
    const route = catalogOf(deployments).resolve('gpt-4o');
    expect(route?.kind).toBe('model');
    expect(route?.strategy).toBe('priority');
    expect(route?.candidates.map((c) => [c.deployment.id, c.vendorModel])).toEqual([
      ['oai', 'gpt-4o'],
      ['azure', 'my-gpt4o-deployment'],
    ]);
    expect(route?.candidates[1].modelConfig.maxOutputTokens).toBe(4_096);
    expect(route?.candidates[1].provider.deploymentId).toBe('azure');
  });

  it('returns undefined for unknown models and models only disabled deployments serve', () => {
    const catalog = catalogOf(deployments);
    expect(catalog.resolve('nope')).toBeUndefined();
    expect(catalog.resolve('only-disabled')).toBeUndefined();
    expect(catalog.deployment('off')).toBeUndefined();
  });

  it('creates one provider per enabled deployment', () => {
    const made: string[] = [];
    new ModelCatalog(deployments, routingConfig(), (d) => {
      made.push(d.id);
      return new FakeProvider(d.id);
    });
    expect(made).toEqual(['oai', 'azure', 'claude']);
  });

  it('resolves a group alias to its models’ candidates in group order, with the group strategy', () => {
    const routing = routingConfig({
      defaultStrategy: 'round-robin',
      groups: [
        { name: 'smart', strategy: 'weighted', models: ['claude-sonnet', 'gpt-4o'] },
        { name: 'cheap', models: ['gpt-4o-mini', 'ghost'] },
      ],
    });
    const catalog = catalogOf(deployments, routing);
    const smart = catalog.resolve('smart');
    expect(smart?.kind).toBe('group');
    expect(smart?.strategy).toBe('weighted');
    expect(smart?.candidates.map((c) => `${c.deployment.id}:${c.modelConfig.name}`)).toEqual([
      'claude:claude-sonnet',
      'oai:gpt-4o',
      'azure:gpt-4o',
    ]);
    expect(catalog.resolve('cheap')?.strategy).toBe('round-robin');
    expect(catalog.resolve('gpt-4o')?.strategy).toBe('round-robin');
    expect(catalog.warnings).toEqual([expect.stringContaining('"ghost"')]);
  });

  it('lets a group extend a model of the same name with fallbacks', () => {
    const catalog = catalogOf(
      deployments,
      routingConfig({ groups: [{ name: 'gpt-4o', models: ['gpt-4o', 'claude-sonnet'] }] }),
    );
    expect(catalog.resolve('gpt-4o')?.candidates.map((c) => c.deployment.id)).toEqual([
      'oai',
      'azure',
      'claude',
    ]);
    expect(catalog.list().filter((e) => e.id === 'gpt-4o')).toHaveLength(1);
  });

  it('does not offer a group with nothing servable', () => {
    const catalog = catalogOf(
      deployments,
      routingConfig({ groups: [{ name: 'empty', models: ['only-disabled'] }] }),
    );
    expect(catalog.resolve('empty')).toBeUndefined();
    expect(catalog.warnings).toHaveLength(2);
  });

  it('lists models then groups for GET /v1/models', () => {
    const catalog = catalogOf(
      deployments,
      routingConfig({ groups: [{ name: 'smart', models: ['claude-sonnet', 'gpt-4o'] }] }),
    );
    expect(catalog.list()).toEqual([
      {
        id: 'gpt-4o',
        kind: 'model',
        strategy: 'priority',
        models: ['gpt-4o'],
        deploymentIds: ['oai', 'azure'],
        providers: ['openai', 'azure'],
      },
      {
        id: 'gpt-4o-mini',
        kind: 'model',
        strategy: 'priority',
        models: ['gpt-4o-mini'],
        deploymentIds: ['oai'],
        providers: ['openai'],
      },
      {
        id: 'claude-sonnet',
        kind: 'model',
        strategy: 'priority',
        models: ['claude-sonnet'],
        deploymentIds: ['claude'],
        providers: ['anthropic'],
      },
      {
        id: 'smart',
        kind: 'group',
        strategy: 'priority',
        models: ['claude-sonnet', 'gpt-4o'],
        deploymentIds: ['claude', 'oai', 'azure'],
        providers: ['anthropic', 'openai', 'azure'],
      },
    ]);
  });

  it('rejects duplicate deployment ids', () => {
    expect(() => catalogOf([deploymentConfig('a'), deploymentConfig('a')])).toThrow(
      'duplicate deployment id "a"',
    );
  });
});
