import { ValidationPipe, type ArgumentMetadata, type ValidationPipeOptions } from '@nestjs/common';

/** Says "certainly valid as it is" for a DTO's plain input; false means "let class-validator decide". */
export type CertainValidityCheck = (value: unknown) => boolean;

/**
 * The global ValidationPipe, with a shortcut for hot bodies: when a DTO has a check that vouches for the
 * plain body, the body is passed on as parsed (class-transformer and class-validator cost more than the
 * rest of a chat request). Everything else, and every body the check is unsure of, goes through the
 * ValidationPipe, so the rules and the 400 messages stay those of the DTO classes.
 */
export class FastPathValidationPipe extends ValidationPipe {
  constructor(
    options: ValidationPipeOptions,
    private readonly checks: ReadonlyMap<ArgumentMetadata['metatype'], CertainValidityCheck>,
  ) {
    super(options);
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && this.checks.get(metadata.metatype)?.(value) === true) {
      return Promise.resolve(value);
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }
}
