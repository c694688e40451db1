--[[
  Logs a credential event. KEYS: stream of all events, the owner's stream.
  ARGV: retention (ms), then field/value pairs.
  Returns the event id.
]]
return appendEvent(KEYS[1], {KEYS[2]}, {0}, tonumber(ARGV[1]), {unpack(ARGV, 2)})
