import { costOf, PriceTable } from './price-table';

describe('PriceTable', () => {
  const table = new PriceTable([
    { model: 'gpt-4o', inputPerMillion: 2.5, outputPerMillion: 10 },
    { model: 'gpt-4o', deployment: 'azure-eu', inputPerMillion: 3, outputPerMillion: 12 },
    { model: 'claude-sonnet-4-5', inputPerMillion: 3, outputPerMillion: 15 },
  ]);

  it('prices input and output tokens per million', () => {
    expect(costOf({ inputPerMillion: 2.5, outputPerMillion: 10 }, 1_000_000, 0)).toBe(2.5);
    expect(costOf({ inputPerMillion: 2.5, outputPerMillion: 10 }, 1_200, 300)).toBe(0.006);
  });

  it('rounds to 1e-10 USD so float noise never reaches the sums', () => {
    expect(costOf({ inputPerMillion: 0.1, outputPerMillion: 0.2 }, 3, 0)).toBe(3e-7);
    expect(costOf({ inputPerMillion: 0.15, outputPerMillion: 0.6 }, 7, 13)).toBe(0.00000885);
  });

  it('uses a deployment-specific price over the model price', () => {
    const call = { models: ['gpt-4o'], promptTokens: 1_000, completionTokens: 1_000 };
    expect(table.cost({ ...call, deploymentId: 'azure-eu' })).toBe(0.015);
    expect(table.cost({ ...call, deploymentId: 'openai-primary' })).toBe(0.0125);
    expect(table.cost({ ...call, deploymentId: null })).toBe(0.0125);
  });

  it('falls back to the vendor model id when the public name has no price', () => {
    const cost = table.cost({
      deploymentId: 'anthropic-main',
      models: ['claude-sonnet', 'claude-sonnet-4-5'],
      promptTokens: 100,
      completionTokens: 10,
    });
    expect(cost).toBe(0.00045);
  });

  it('answers undefined for an unknown model', () => {
    expect(
      table.cost({
        deploymentId: 'x',
        models: ['mystery', undefined, null],
        promptTokens: 1,
        completionTokens: 1,
      }),
    ).toBe(undefined);
  });
});
