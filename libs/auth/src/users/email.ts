/** One spelling per mailbox for lookups and the unique index: trimmed, lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
