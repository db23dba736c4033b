import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { DeploymentConfig } from '@app/config';
import { NodeHttpHandler } from '@smithy/node-http-handler';

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * One SDK client per deployment. Retries belong to the router, so one attempt. HTTP/1.1 handler: the
 * default one speaks HTTP/2, which fake servers and some proxies don't. `timeoutMs` bounds the wait for
 * response headers and, as a socket idle timeout, every gap between streamed events.
 */
export function createBedrockClient(deployment: DeploymentConfig): BedrockRuntimeClient {
  const { accessKeyId, secretAccessKey, sessionToken } = deployment;
  return new BedrockRuntimeClient({
    region: deployment.region,
    ...(accessKeyId && secretAccessKey
      ? { credentials: { accessKeyId, secretAccessKey, sessionToken } }
      : {}),
    ...(deployment.baseUrl ? { endpoint: deployment.baseUrl } : {}),
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: Math.min(CONNECT_TIMEOUT_MS, deployment.timeoutMs),
      requestTimeout: deployment.timeoutMs,
      throwOnRequestTimeout: true,
      socketTimeout: deployment.timeoutMs,
    }),
  });
}
