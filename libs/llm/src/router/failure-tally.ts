import type { ProviderError } from '../core/provider-error';

/** Why the candidates of one request did not serve it, to pick 429 or 503 when none did. */
export class FailureTally {
  private capacitySkips = 0;
  private breakerSkips = 0;
  private rateLimitedFailures = 0;
  private otherFailures = 0;
  private soonestRetryAfterMs: number | undefined;
  lastError: ProviderError | undefined;

  capacitySkipped(retryAfterMs: number): void {
    this.capacitySkips++;
    this.noteRetryAfter(retryAfterMs);
  }

  breakerSkipped(): void {
    this.breakerSkips++;
  }

  failed(error: ProviderError): void {
    this.lastError = error;
    if (error.status === 429) {
      this.rateLimitedFailures++;
      this.noteRetryAfter(error.retryAfterMs);
    } else {
      this.otherFailures++;
    }
  }

  /** Every candidate was refused for capacity or answered 429: the caller should slow down. */
  get onlyRateLimited(): boolean {
    return (
      this.breakerSkips === 0 && this.otherFailures === 0 && this.capacitySkips + this.rateLimitedFailures > 0
    );
  }

  /** The soonest moment a capacity refusal or a 429 said to come back. */
  get retryAfterMs(): number | undefined {
    return this.soonestRetryAfterMs;
  }

  summary(): string {
    const parts: string[] = [];
    if (this.otherFailures) parts.push(`${this.otherFailures} failed attempt(s)`);
    if (this.rateLimitedFailures) parts.push(`${this.rateLimitedFailures} rate-limited attempt(s)`);
    if (this.capacitySkips) parts.push(`${this.capacitySkips} skipped at capacity`);
    if (this.breakerSkips) parts.push(`${this.breakerSkips} skipped with circuit open`);
    return parts.length ? parts.join(', ') : 'no attempt possible';
  }

  private noteRetryAfter(retryAfterMs: number | undefined): void {
    if (retryAfterMs === undefined) return;
    if (this.soonestRetryAfterMs === undefined || retryAfterMs < this.soonestRetryAfterMs)
      this.soonestRetryAfterMs = retryAfterMs;
  }
}
