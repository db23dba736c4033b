/**
 * Headers on every answer of the api (OWASP REST Security Cheat Sheet): no MIME sniffing, no framing,
 * no referrer, and not stored by caches unless a route says otherwise (a route's own Cache-Control, e.g.
 * the SSE `no-cache`, replaces this default). HSTS belongs to whatever terminates TLS in front.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
