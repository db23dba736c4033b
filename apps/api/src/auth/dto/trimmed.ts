import type { TransformFnParams } from 'class-transformer';

/** `@Transform(trimmed)`: surrounding whitespace is not part of a value (emails pasted with a space). */
export function trimmed({ value }: TransformFnParams): unknown {
  return typeof value === 'string' ? value.trim() : value;
}
