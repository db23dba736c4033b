/**
 * Adds a finished call's tokens to the caller's minute and day counters, with their expiries, as one
 * command (a MULTI of four commands costs six round-trip slots and two extra replies).
 *
 * KEYS[1] tokens this minute, KEYS[2] tokens today
 * ARGV[1] tokens, ARGV[2] minute key ttl ms, ARGV[3] day key ttl ms
 */
export const TOKEN_CHARGE_SCRIPT = `
redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('INCRBY', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
`;
