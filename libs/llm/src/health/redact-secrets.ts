/**
 * Vendor error messages sometimes echo what they were given ("Incorrect API key provided: sk-..."). The
 * last error is shown on /providers and written to Redis, so anything that looks like a credential goes.
 */
const SECRET_PATTERNS: RegExp[] = [
  /\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/-]+=*/gi,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\b((?:api[-_]?key|access[-_]?key|secret|token|signature|sig|password|credential)s?["']?\s*[=:]\s*["']?)[^\s"'&,;]+/gi,
  /[A-Za-z0-9+/_=]{32,}/g,
];

const MAX_LENGTH = 300;

export function redactSecrets(message: string): string {
  let redacted = message;
  for (const pattern of SECRET_PATTERNS) {
    redacted = redacted.replace(pattern, (_match: string, keep?: unknown) =>
      typeof keep === 'string' ? `${keep}[redacted]` : '[redacted]',
    );
  }
  return redacted.length > MAX_LENGTH ? `${redacted.slice(0, MAX_LENGTH)}…` : redacted;
}
