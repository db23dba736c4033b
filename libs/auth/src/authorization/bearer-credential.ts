const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)[ ]*$/i;

/** The credential of an `Authorization: Bearer <jwt or API key>` header, or undefined. */
export function bearerCredential(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string' || header.length > 8_192) return undefined;
  return BEARER.exec(header)?.[1];
}
