import type { DeploymentConfig } from '@app/config';

/** What both limiters (Redis and in-memory) agree on before any window is read. */
export function hasLimits(deployment: DeploymentConfig): boolean {
  return deployment.rpm > 0 || deployment.tpm > 0;
}

export function sanitizeTokens(tokens: number): number {
  return Number.isFinite(tokens) && tokens > 0 ? Math.ceil(tokens) : 0;
}

export function headroom(limit: number, used: number): number {
  return Math.max(0, Math.floor(limit - used + 1e-9));
}
