/** USD per million tokens. */
export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

export interface PriceEntry extends ModelPrice {
  /** A public model name or a vendor model id. */
  model: string;
  /** Only for this deployment; entries without one apply to every deployment. */
  deployment?: string;
}

export interface PricedCall {
  deploymentId: string | null;
  /** Public model name, then the vendor model id: the first with a price wins. */
  models: readonly (string | null | undefined)[];
  promptTokens: number;
  completionTokens: number;
}

const MILLION = 1_000_000;
/** Costs are stored as numeric(20,10): rounding here keeps float noise out of the sums. */
const COST_DECIMALS = 1e10;

/**
 * The price table from config (`analytics.prices`). A deployment-specific entry overrides the model's
 * general one, so a pricier region or a negotiated rate is one more line in config.
 */
export class PriceTable {
  private readonly general = new Map<string, ModelPrice>();
  private readonly perDeployment = new Map<string, ModelPrice>();

  constructor(entries: readonly PriceEntry[]) {
    for (const entry of entries) {
      const price = { inputPerMillion: entry.inputPerMillion, outputPerMillion: entry.outputPerMillion };
      if (entry.deployment) this.perDeployment.set(deploymentKey(entry.deployment, entry.model), price);
      else this.general.set(entry.model, price);
    }
  }

  priceFor(deploymentId: string | null, model: string): ModelPrice | undefined {
    if (deploymentId !== null) {
      const specific = this.perDeployment.get(deploymentKey(deploymentId, model));
      if (specific) return specific;
    }
    return this.general.get(model);
  }

  /** USD for one call; undefined when none of its model names has a price. */
  cost(call: PricedCall): number | undefined {
    for (const model of call.models) {
      if (!model) continue;
      const price = this.priceFor(call.deploymentId, model);
      if (price) return costOf(price, call.promptTokens, call.completionTokens);
    }
    return undefined;
  }
}

export function costOf(price: ModelPrice, promptTokens: number, completionTokens: number): number {
  const usd = (promptTokens * price.inputPerMillion + completionTokens * price.outputPerMillion) / MILLION;
  return Math.round(usd * COST_DECIMALS) / COST_DECIMALS;
}

function deploymentKey(deployment: string, model: string): string {
  return `${deployment}\u0000${model}`;
}
