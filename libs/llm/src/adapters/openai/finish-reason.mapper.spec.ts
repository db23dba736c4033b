import { mapFinishReason } from './finish-reason.mapper';

describe('mapFinishReason', () => {
  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'tool_calls'],
    ['content_filter', 'content_filter'],
    ['function_call', 'tool_calls'],
    ['eos', 'stop'],
    ['constructor', 'stop'],
  ])('maps %s to %s', (reason, expected) => {
    expect(mapFinishReason(reason)).toBe(expected);
  });

  it('keeps "not finished yet" as null', () => {
    expect(mapFinishReason(null)).toBeNull();
    expect(mapFinishReason(undefined)).toBeNull();
  });
});
