import { MAX_REPORTED_TOKENS, saneUsage } from './usage';
import type { Usage } from './chat.types';

describe('saneUsage', () => {
  it('returns a sane report as it is (same object)', () => {
    const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
    expect(saneUsage(usage)).toBe(usage);
  });

  it('turns what a hostile or broken vendor reports into accountable numbers', () => {
    const hostile = { prompt_tokens: -5, completion_tokens: 1e300, total_tokens: 'x' } as unknown as Usage;
    expect(saneUsage(hostile)).toEqual({
      prompt_tokens: 0,
      completion_tokens: MAX_REPORTED_TOKENS,
      total_tokens: MAX_REPORTED_TOKENS,
    });
    expect(saneUsage({ prompt_tokens: 1.7, completion_tokens: Number.NaN, total_tokens: 1 })).toEqual({
      prompt_tokens: 1,
      completion_tokens: 0,
      total_tokens: 1,
    });
  });

  it('makes the total at least prompt + completion, keeping other fields', () => {
    const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 3, cached: 2 } as Usage;
    expect(saneUsage(usage)).toEqual({
      prompt_tokens: 10,
      completion_tokens: 5,
      total_tokens: 15,
      cached: 2,
    });
  });
});
