import { DomainException, ErrorCode } from '@app/common';

/** The caller's task input (or request) breaks a rule: 400 `validation_failed` with every problem listed. */
export function invalidTaskInput(problems: string[]): DomainException {
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return new DomainException({
    status: 400,
    code: ErrorCode.ValidationFailed,
    message: `Task input is invalid: ${problems[0]}${more}`,
    details: problems,
  });
}

export function taskNotFound(): DomainException {
  return DomainException.notFound('Task');
}

export function idempotencyKeyReused(): DomainException {
  return new DomainException({
    status: 409,
    code: ErrorCode.IdempotencyKeyReused,
    message: 'This Idempotency-Key was already used with a different request',
  });
}

export function taskNotCancellable(status: string): DomainException {
  return new DomainException({
    status: 409,
    code: ErrorCode.TaskNotCancellable,
    message: `The task is already ${status} and cannot be cancelled`,
  });
}

export function webhookUrlRefused(reason: string): DomainException {
  return new DomainException({
    status: 400,
    code: ErrorCode.WebhookUrlRefused,
    message: `webhookUrl is not allowed: ${reason}`,
  });
}
