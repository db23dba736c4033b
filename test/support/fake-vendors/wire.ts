import type { ServerResponse } from 'node:http';

/** Streams deliver text word by word, the way vendors do: "a b c" → ["a", " b", " c"]. */
export function splitIntoWords(text: string): string[] {
  return text.match(/\s*\S+/g) ?? (text ? [text] : []);
}

/** Tool-call arguments arrive in fragments of this many characters. */
export function splitIntoFragments(text: string, size = 8): string[] {
  const fragments: string[] = [];
  for (let start = 0; start < text.length; start += size) fragments.push(text.slice(start, start + size));
  return fragments;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

export function writeChunk(res: ServerResponse, data: string): Promise<void> {
  return new Promise((resolve, reject) => res.write(data, (error) => (error ? reject(error) : resolve())));
}

/**
 * Cuts the connection mid-response. The pause lets the client read what was already sent: an HTTP
 * client that sees the data and the cut together may drop the buffered data with the error.
 */
export async function destroyAfterFlush(res: ServerResponse, pauseMs = 30): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, pauseMs));
  res.socket?.destroy();
  res.destroy();
}

/** Waits `ms`, or less if the client hangs up first; true when it is still connected. */
export function waitWhileConnected(res: ServerResponse, ms: number): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    res.once('close', onClose);
  });
}
