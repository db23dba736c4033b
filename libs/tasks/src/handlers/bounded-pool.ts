/**
 * Runs `work` for every item with at most `limit` in flight. Once the signal fires no new item starts;
 * the first rejection is rethrown after the items already running have settled.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let firstError: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (next < items.length && !signal.aborted && !firstError) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        firstError ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (firstError) throw firstError.error;
  signal.throwIfAborted();
}
