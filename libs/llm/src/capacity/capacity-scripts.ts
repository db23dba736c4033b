/**
 * Sliding-window approximation: usage = previous minute's count × the share of it still inside the last
 * 60 s + the current minute's count. Unlike fixed windows it does not let 2 × the limit through across a
 * minute boundary, and it costs two small hashes per deployment instead of a log of timestamps.
 *
 * KEYS[1] current window hash, KEYS[2] previous window hash (fields r = requests, t = tokens)
 * ARGV: now ms, window ms, rpm, tpm, estimated tokens, commit (1 reserves, 0 only reads), key ttl ms
 * Returns { admitted 1|0, '' | 'rpm' | 'tpm', retryAfterMs, usedRequests, usedTokens } (used as strings:
 * Redis would truncate Lua floats to integers).
 */
export const RESERVE_SCRIPT = `
local now = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local rpm = tonumber(ARGV[3])
local tpm = tonumber(ARGV[4])
local estimate = tonumber(ARGV[5])
local commit = ARGV[6] == '1'
local ttlMs = tonumber(ARGV[7])

local elapsed = now % windowMs
local previousWeight = 1 - elapsed / windowMs
local current = redis.call('HMGET', KEYS[1], 'r', 't')
local previous = redis.call('HMGET', KEYS[2], 'r', 't')
local curRequests = tonumber(current[1]) or 0
local curTokens = tonumber(current[2]) or 0
local prevRequests = tonumber(previous[1]) or 0
local prevTokens = tonumber(previous[2]) or 0
local usedRequests = prevRequests * previousWeight + curRequests
local usedTokens = prevTokens * previousWeight + curTokens

-- ms until prev x weight + cur + need <= limit, if nothing else arrives meanwhile
local function waitMs(limit, need, prev, cur)
  local headroom = limit - need - cur
  if headroom >= 0 then
    return math.ceil((1 - headroom / prev) * windowMs - elapsed)
  end
  return math.ceil(windowMs - elapsed + (1 - (limit - need) / cur) * windowMs)
end

local epsilon = 1e-9
local reason = ''
local wait = 0
if rpm > 0 and usedRequests + 1 > rpm + epsilon then
  reason = 'rpm'
  wait = waitMs(rpm, 1, prevRequests, curRequests)
end
if tpm > 0 then
  -- a request larger than the whole budget waits for an idle window instead of being refused forever
  local need = math.min(estimate, tpm)
  if usedTokens + need > tpm + epsilon then
    local tokenWait = waitMs(tpm, need, prevTokens, curTokens)
    if reason == '' or tokenWait > wait then
      reason = 'tpm'
      wait = tokenWait
    end
  end
end

if reason == '' and commit then
  redis.call('HINCRBY', KEYS[1], 'r', 1)
  if tpm > 0 and estimate > 0 then
    redis.call('HINCRBY', KEYS[1], 't', estimate)
  end
  redis.call('PEXPIRE', KEYS[1], ttlMs)
  usedRequests = usedRequests + 1
  usedTokens = usedTokens + estimate
end

return { reason == '' and 1 or 0, reason, math.max(wait, 1), tostring(usedRequests), tostring(usedTokens) }
`;

/**
 * Corrects a window's token count by (actual - estimate). Only touches a window that still exists, so a
 * late settle never recreates an expired key without a TTL.
 * KEYS[1] window hash; ARGV[1] token delta
 */
export const SETTLE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HINCRBY', KEYS[1], 't', ARGV[1])
end
return false
`;

export interface ReserveReply {
  admitted: boolean;
  reason: 'rpm' | 'tpm' | undefined;
  retryAfterMs: number;
  usedRequests: number;
  usedTokens: number;
}

export function parseReserveReply(reply: unknown): ReserveReply {
  if (!Array.isArray(reply) || reply.length !== 5)
    throw new Error(`unexpected capacity script reply: ${String(reply)}`);
  const [admitted, reason, retryAfterMs, usedRequests, usedTokens] = reply as unknown[];
  return {
    admitted: admitted === 1,
    reason: reason === 'rpm' || reason === 'tpm' ? reason : undefined,
    retryAfterMs: Number(retryAfterMs),
    usedRequests: Number(usedRequests),
    usedTokens: Number(usedTokens),
  };
}
