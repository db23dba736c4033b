import { ValidateBy, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { messageContentProblem, stopProblem, toolChoiceProblem } from './message-content';

/**
 * class-validator decorators over the plain rule functions. The ValidationPipe prefixes each message
 * with the parent path (`messages.0.`), so messages start with the property's own name.
 */
function ruleDecorator(
  name: string,
  problem: (value: unknown, args: ValidationArguments) => string | undefined,
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => !args || problem(value, args) === undefined,
        defaultMessage: (args?: ValidationArguments) =>
          (args && problem(args.value, args)) ?? `${args?.property ?? 'value'} is invalid`,
      },
    },
    options,
  );
}

export const IsMessageContent = (options?: ValidationOptions): PropertyDecorator =>
  ruleDecorator(
    'isMessageContent',
    (value, args) => messageContentProblem(value, args.object as Record<string, unknown>),
    options,
  );

export const IsToolChoice = (options?: ValidationOptions): PropertyDecorator =>
  ruleDecorator('isToolChoice', (value) => toolChoiceProblem(value), options);

export const IsStopSequences = (options?: ValidationOptions): PropertyDecorator =>
  ruleDecorator('isStopSequences', (value) => stopProblem(value), options);
