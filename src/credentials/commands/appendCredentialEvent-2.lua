--[[
  Logs a credential event. KEYS: stream of all events, the owner's stream.
  ARGV: limits (JSON text: retentionMs, maxLen), then field/value pairs.
  Returns the event id.
]]
return appendEvent(KEYS[1], {KEYS[2]}, {0}, ARGV[1], {unpack(ARGV, 2)})
