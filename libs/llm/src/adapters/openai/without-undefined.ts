/** Drops keys whose value is undefined, so they are never sent on the wire. */
export function withoutUndefined<T extends object>(value: T): T {
  // a plain loop: this runs for every streamed chunk, and entries/filter/fromEntries allocate per key
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const field = (value as Record<string, unknown>)[key];
    if (field !== undefined) result[key] = field;
  }
  return result as T;
}
