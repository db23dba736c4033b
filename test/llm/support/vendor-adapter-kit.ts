import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeploymentConfig, DeploymentModelConfig } from '@app/config/schema';
import type { ChatChunk } from '@app/llm/core';
import { ProviderError } from '@app/llm/core';

/** Shared by the vendor adapter e2e specs: deployments pointed at the fake, and stream/error helpers. */

export function deployment(
  init: Partial<DeploymentConfig> & Pick<DeploymentConfig, 'id' | 'type'>,
): DeploymentConfig {
  const models = init.models ?? [Object.assign(new DeploymentModelConfig(), { name: 'fake-model' })];
  return Object.assign(new DeploymentConfig(), { timeoutMs: 5_000, ...init, models });
}

export interface Drained {
  chunks: ChatChunk[];
  error?: unknown;
}

/** Reads a stream to its end or its first error, keeping what arrived before the error. */
export async function drain(stream: AsyncIterable<ChatChunk>): Promise<Drained> {
  const chunks: ChatChunk[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
    return { chunks };
  } catch (error) {
    return { chunks, error };
  }
}

export async function providerErrorOf(work: Promise<unknown>): Promise<ProviderError> {
  const outcome = await work.then(
    () => new Error('expected a ProviderError, the call succeeded'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof ProviderError)) throw outcome;
  return outcome;
}

export function asProviderError(error: unknown): ProviderError {
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

export function contentOf(chunks: ChatChunk[]): string {
  return chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
}

/** Tool calls reassembled from their deltas the way an OpenAI client does it. */
export function toolCallsOf(chunks: ChatChunk[]): Array<{ id?: string; name?: string; arguments: string }> {
  const calls: Array<{ id?: string; name?: string; arguments: string }> = [];
  for (const chunk of chunks) {
    for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
      const call = (calls[delta.index] ??= { arguments: '' });
      if (delta.id) call.id = delta.id;
      if (delta.function?.name) call.name = delta.function.name;
      call.arguments += delta.function?.arguments ?? '';
    }
  }
  return calls;
}

export const PNG_DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/**
 * A vendor that starts a 200 response, sends what `begin` writes, then goes quiet: for aborts and idle
 * timeouts in the middle of a stream, which the shared fake's behaviours cannot script.
 */
export class StallingVendor {
  /** Resolves when the client hangs up on the current stream. */
  hungUp: Promise<void> = Promise.resolve();
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(begin: (res: ServerResponse) => Promise<void>): Promise<StallingVendor> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const vendor = new StallingVendor(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      vendor.hungUp = new Promise((resolve) => res.once('close', () => resolve()));
      req.resume();
      req.once('end', () => void begin(res));
    });
    return vendor;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
