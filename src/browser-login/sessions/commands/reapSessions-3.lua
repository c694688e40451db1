--[[
  Ends sessions whose worker stopped renewing its lease (failed, worker_lost) and sessions past
  their expiry plus grace (expired). Reads only what is due: a range of each index, so a reap costs
  O(due sessions + log n), whatever the number of live sessions.
  KEYS: expiry index (score: expires at, ms), lease index (score: lease deadline, ms), stream of all events.
  ARGV: now (ms), now (ISO), expiry grace (ms), retention (s), events channel, batch size,
        session key prefix, then errors (JSON text): lease lost, expired before start, expired while held;
        then event log limits (JSON text).
  Returns {ended, scanned, more, endings}: more = 1 when a batch was full and the caller should reap
  again; endings lists each ended session's provider id (JSON text as stored), new status and reason
  code, three entries per session, for metrics.
]]
local now, nowIso, grace, retention, channel = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local limit, prefix = tonumber(ARGV[6]), ARGV[7]
local ended, scanned, endings = 0, 0, {}

local function finish(id, from, to, errorJson)
  if not STATES.moves[from][to] then return end
  local key = prefix .. id
  redis.call('HSET', key, 'error', errorJson)
  enter(key, id, to, nowIso, KEYS[1], KEYS[2], retention)
  logSessionEvent(key, id, 'session.' .. to, KEYS[3], ARGV[11])
  announce(channel, id, to)
  ended = ended + 1
  endings[#endings + 1] = redis.call('HGET', key, 'providerId') or '""'
  endings[#endings + 1] = to
  endings[#endings + 1] = cjson.decode(errorJson).code
end

local lapsed = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)
for _, id in ipairs(lapsed) do
  scanned = scanned + 1
  redis.call('ZREM', KEYS[2], id)
  local status = statusOf(prefix .. id)
  if status and STATES.leased[status] then finish(id, status, 'failed', ARGV[8]) end
end

local overdue = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - grace), 'LIMIT', 0, limit)
for _, id in ipairs(overdue) do
  scanned = scanned + 1
  redis.call('ZREM', KEYS[1], id)
  local status = statusOf(prefix .. id)
  if status and not STATES.final[status] then
    finish(id, status, 'expired', STATES.leased[status] and ARGV[10] or ARGV[9])
  end
end

local more = 0
if #lapsed == limit or #overdue == limit then more = 1 end
return {ended, scanned, more, endings}
