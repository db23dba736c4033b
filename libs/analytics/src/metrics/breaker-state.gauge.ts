import type { BreakerState, CircuitBreaker, ModelCatalog } from '@app/llm';
import type { GatewayMetrics } from './gateway-metrics';

const STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** mpb_circuit_breaker_state per deployment (this process's breaker): 0 closed, 1 half-open, 2 open. */
export function registerBreakerStateGauge(
  metrics: GatewayMetrics,
  catalog: ModelCatalog,
  breaker: CircuitBreaker,
): void {
  metrics.addGauge(
    'mpb_circuit_breaker_state',
    'Circuit breaker state per deployment in this process: 0 closed, 1 half-open, 2 open',
    ['provider', 'deployment'],
    (gauge) => {
      gauge.reset();
      for (const { deployment } of catalog.deployments()) {
        gauge.set(
          { provider: deployment.type, deployment: deployment.id },
          STATE_VALUE[breaker.state(deployment.id)],
        );
      }
    },
  );
}
