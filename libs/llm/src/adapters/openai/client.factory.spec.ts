import type { DeploymentConfig } from '@app/config';
import { AzureOpenAI, OpenAI } from 'openai';
import { createAzureOpenAiClient, createClientSource, createOpenAiClient } from './client.factory';

function deployment(overrides: Partial<DeploymentConfig>): DeploymentConfig {
  return {
    id: 'dep-1',
    type: 'openai',
    enabled: true,
    apiKey: 'sk-test',
    models: [{ name: 'gpt-4o' }],
    priority: 0,
    weight: 1,
    timeoutMs: 1_234,
    maxRetries: 1,
    rpm: 0,
    tpm: 0,
    probe: false,
    ...overrides,
  };
}

describe('createOpenAiClient', () => {
  it('never retries (the router does) and uses the deployment timeout', () => {
    const client = createOpenAiClient(deployment({ baseUrl: 'http://127.0.0.1:9/v1' }));

    expect(client).toBeInstanceOf(OpenAI);
    expect(client.maxRetries).toBe(0);
    expect(client.timeout).toBe(1_234);
    expect(client.baseURL).toBe('http://127.0.0.1:9/v1');
    expect(client.organization).toBeNull();
  });

  it('defaults to api.openai.com whatever OPENAI_BASE_URL says', () => {
    const previous = process.env.OPENAI_BASE_URL;
    process.env.OPENAI_BASE_URL = 'http://elsewhere.invalid/v1';
    try {
      expect(createOpenAiClient(deployment({})).baseURL).toBe('https://api.openai.com/v1');
    } finally {
      if (previous === undefined) delete process.env.OPENAI_BASE_URL;
      else process.env.OPENAI_BASE_URL = previous;
    }
  });

  it('requires a baseUrl for OpenAI-compatible deployments', () => {
    expect(() => createOpenAiClient(deployment({ type: 'openai-compatible' }))).toThrow('has no baseUrl');
  });
});

describe('Azure clients', () => {
  const azure = deployment({
    type: 'azure',
    endpoint: 'https://res.openai.azure.com/',
    apiVersion: '2024-10-21',
    models: [{ name: 'fast', model: 'gpt4o-prod' }, { name: 'slow' }],
  });

  it('targets the resource endpoint with the api version and the Azure deployment', () => {
    const client = createAzureOpenAiClient(azure, 'gpt4o-prod');

    expect(client).toBeInstanceOf(AzureOpenAI);
    expect(client.baseURL).toBe('https://res.openai.azure.com/openai');
    expect(client.apiVersion).toBe('2024-10-21');
    expect(client.deploymentName).toBe('gpt4o-prod');
    expect(client.maxRetries).toBe(0);
  });

  it('keeps one client per Azure deployment name', () => {
    const source = createClientSource(azure);

    expect(source.forModel('gpt4o-prod')).toBe(source.forModel('gpt4o-prod'));
    expect((source.forModel('slow') as AzureOpenAI).deploymentName).toBe('slow');
    expect(source.forModel('slow')).not.toBe(source.forModel('gpt4o-prod'));
  });

  it('needs an injected token provider for Entra ID, and uses it', async () => {
    const entra = { ...azure, apiKey: undefined, azureAdToken: true };
    expect(() => createClientSource(entra)).toThrow('no azureAdTokenProvider');

    const tokenProvider = jest.fn(async () => 'entra-token');
    const client = createAzureOpenAiClient(entra, 'gpt4o-prod', { azureAdTokenProvider: tokenProvider });
    const request = await client.buildRequest({
      method: 'post',
      path: '/chat/completions',
      body: { model: 'gpt4o-prod' },
    });

    expect(tokenProvider).toHaveBeenCalled();
    expect(request.req.headers.get('authorization')).toBe('Bearer entra-token');
    expect(request.url).toBe(
      'https://res.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21',
    );
  });
});
