/**
 * One request against a caller's fixed-window counter, and optionally a read of the caller's token usage,
 * atomically and in one round-trip.
 *
 * KEYS[1] request counter, KEYS[2] block marker; KEYS[3] tokens this minute, KEYS[4] tokens today (optional)
 * ARGV[1] window ms, ARGV[2] request limit (0 = requests are not counted),
 * ARGV[3] block ms (0 = an over-limit caller waits for the window to reset)
 *
 * Requests refused while over the limit are not counted. Returns
 * {requests incl. this one, window ms left, block ms left, tokens this minute, tokens today}.
 */
export const RATE_HIT_SCRIPT = `
local windowMs = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local blockMs = tonumber(ARGV[3])
local hits, windowLeft, blockLeft = 0, 0, 0
if limit > 0 then
  blockLeft = redis.call('PTTL', KEYS[2])
  if blockLeft < 0 then blockLeft = 0 end
  hits = tonumber(redis.call('GET', KEYS[1]) or '0')
  if blockLeft == 0 and hits < limit then
    hits = redis.call('INCR', KEYS[1])
  else
    hits = hits + 1
  end
  windowLeft = redis.call('PTTL', KEYS[1])
  if windowLeft < 0 then
    redis.call('PEXPIRE', KEYS[1], windowMs)
    windowLeft = windowMs
  end
  if hits > limit and blockMs > 0 and blockLeft == 0 then
    redis.call('SET', KEYS[2], '1', 'PX', blockMs)
    blockLeft = blockMs
  end
end
local minuteTokens, dayTokens = 0, 0
if #KEYS >= 4 then
  minuteTokens = tonumber(redis.call('GET', KEYS[3]) or '0')
  dayTokens = tonumber(redis.call('GET', KEYS[4]) or '0')
end
return {hits, windowLeft, blockLeft, minuteTokens, dayTokens}
`;
