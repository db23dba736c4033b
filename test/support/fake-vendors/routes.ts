import { anthropicMessagesHandler } from './anthropic';
import { bedrockConverseHandler, bedrockConverseStreamHandler } from './bedrock';
import { openAiChatHandler, openAiModelsHandler } from './openai';
import type { Vendor, VendorHandler } from './types';

interface Route {
  method: 'GET' | 'POST';
  /** Named groups become the exchange's params. */
  pattern: RegExp;
  vendor: Vendor;
  handler: VendorHandler;
}

export interface RouteMatch {
  vendor: Vendor;
  handler: VendorHandler;
  params: Record<string, string>;
}

const ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/v1\/chat\/completions$/, vendor: 'openai', handler: openAiChatHandler },
  { method: 'GET', pattern: /^\/v1\/models$/, vendor: 'openai', handler: openAiModelsHandler },
  {
    method: 'POST',
    pattern: /^\/openai\/deployments\/(?<deployment>[^/]+)\/chat\/completions$/,
    vendor: 'azure',
    handler: openAiChatHandler,
  },
  { method: 'GET', pattern: /^\/openai\/models$/, vendor: 'azure', handler: openAiModelsHandler },
  { method: 'POST', pattern: /^\/v1\/messages$/, vendor: 'anthropic', handler: anthropicMessagesHandler },
  {
    method: 'POST',
    pattern: /^\/model\/(?<modelId>[^/]+)\/converse$/,
    vendor: 'bedrock',
    handler: bedrockConverseHandler,
  },
  {
    method: 'POST',
    pattern: /^\/model\/(?<modelId>[^/]+)\/converse-stream$/,
    vendor: 'bedrock',
    handler: bedrockConverseStreamHandler,
  },
];

export function matchRoute(method: string, pathname: string): RouteMatch | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(match.groups ?? {})) params[name] = decodeURIComponent(value);
    return { vendor: route.vendor, handler: route.handler, params };
  }
  return undefined;
}
