import { invalidTaskInput } from '../core/task-errors';

export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects every problem of an input (`path message`), then throws them all at once. */
export class InputProblems {
  private readonly problems: string[] = [];

  add(path: string, message: string): void {
    this.problems.push(`${path} ${message}`);
  }

  /** Reports keys the shape does not know (the same rule as the api's whitelisting validation pipe). */
  rejectUnknownKeys(value: PlainObject, allowed: readonly string[], path: string): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.add(path ? `${path}.${key}` : key, 'is not allowed');
    }
  }

  throwIfAny(): void {
    if (this.problems.length) throw invalidTaskInput(this.problems);
  }
}

/** `input.requests[2].model` style paths. */
export function pathOf(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base ? `${base}.${key}` : key;
}
