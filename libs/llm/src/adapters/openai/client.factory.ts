import { AzureOpenAI, OpenAI } from 'openai';
import type { DeploymentConfig } from '@app/config';
import { createNodeHttpFetch } from '../shared/node-http-fetch';

/** Returns a Microsoft Entra ID access token; the SDK calls it before every request. */
export type AzureAdTokenProvider = () => Promise<string>;

export interface OpenAiClientOptions {
  /**
   * Needed when an Azure deployment sets `azureAdToken`. @azure/identity is not a dependency, so the
   * host builds it, e.g. `getBearerTokenProvider(new DefaultAzureCredential(),
   * 'https://cognitiveservices.azure.com/.default')`, and passes it in.
   */
  azureAdTokenProvider?: AzureAdTokenProvider;
}

/** The SDK client for a request's vendor model id. */
export interface OpenAiClientSource {
  forModel(model: string): OpenAI;
}

const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** One keep-alive pool for every OpenAI-family client of the process (see createNodeHttpFetch). */
const vendorFetch = createNodeHttpFetch();

/**
 * Settings every client shares. The router owns retries and logging; organization and project are
 * set so OPENAI_* environment variables of the host never leak into requests.
 */
function commonOptions(deployment: DeploymentConfig) {
  return {
    fetch: vendorFetch,
    maxRetries: 0,
    timeout: deployment.timeoutMs,
    organization: null,
    project: null,
    logLevel: 'off' as const,
  };
}

function requireSetting(deployment: DeploymentConfig, name: 'apiKey' | 'endpoint' | 'apiVersion'): string {
  const value = deployment[name];
  if (!value) throw new Error(`deployment ${deployment.id} (${deployment.type}) has no ${name}`);
  return value;
}

/** OpenAI itself, or any server that speaks its API (type openai-compatible, which must set baseUrl). */
export function createOpenAiClient(deployment: DeploymentConfig): OpenAI {
  if (deployment.type === 'openai-compatible' && !deployment.baseUrl) {
    throw new Error(`deployment ${deployment.id} (openai-compatible) has no baseUrl`);
  }
  return new OpenAI({
    apiKey: requireSetting(deployment, 'apiKey'),
    // Explicit, so OPENAI_BASE_URL in the environment cannot redirect traffic.
    baseURL: deployment.baseUrl ?? OPENAI_BASE_URL,
    ...commonOptions(deployment),
  });
}

/** One Azure deployment (`azureDeployment` is the Azure deployment name, i.e. the vendor model id). */
export function createAzureOpenAiClient(
  deployment: DeploymentConfig,
  azureDeployment: string,
  options: OpenAiClientOptions = {},
): AzureOpenAI {
  if (deployment.azureAdToken && !options.azureAdTokenProvider) {
    throw new Error(
      `deployment ${deployment.id} uses Entra ID (azureAdToken) but no azureAdTokenProvider was given to the factory`,
    );
  }
  const credentials = deployment.azureAdToken
    ? { azureADTokenProvider: options.azureAdTokenProvider }
    : { apiKey: requireSetting(deployment, 'apiKey') };
  const endpoint = requireSetting(deployment, 'endpoint').replace(/\/+$/, '');
  return new AzureOpenAI({
    // baseURL rather than endpoint: the SDK refuses both, and would take OPENAI_BASE_URL from the environment.
    baseURL: `${endpoint}/openai`,
    apiVersion: requireSetting(deployment, 'apiVersion'),
    deployment: azureDeployment,
    ...credentials,
    ...commonOptions(deployment),
  });
}

/** Azure needs a client per Azure deployment name; the others share one client. */
export function createClientSource(
  deployment: DeploymentConfig,
  options: OpenAiClientOptions = {},
): OpenAiClientSource {
  if (deployment.type !== 'azure') {
    const client = createOpenAiClient(deployment);
    return { forModel: () => client };
  }
  const clients = new Map<string, AzureOpenAI>();
  const forModel = (model: string): AzureOpenAI => {
    let client = clients.get(model);
    if (!client) {
      client = createAzureOpenAiClient(deployment, model, options);
      clients.set(model, client);
    }
    return client;
  };
  // Built now so a bad configuration fails at startup, not on the first request.
  for (const model of deployment.models) forModel(model.model ?? model.name);
  return { forModel };
}
