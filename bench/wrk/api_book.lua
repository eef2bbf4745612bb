-- API booking POSTs (/api/v1/bookings/): each wrk thread is one customer with its own JWT
-- access token and books its own share of distinct free slots, each POST with its own
-- Idempotency-Key, as the app sends one per booking attempt. The twin of book.lua.
-- args: <slots file: service, date, time> <users file: Authorization value> <thread count>
--       <API path> <run nonce>
dofile("report.lua")  -- run with bench/wrk as the working directory
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  local users = {}
  for line in io.lines(args[2]) do users[#users + 1] = line end
  local me = users[(id - 1) % #users + 1]
  authorization = me:match("^([^\t]*)")
  local threads = tonumber(args[3])
  path = args[4]
  nonce = args[5] or "0"
  sent = 0
  slots = {}
  local i = 0
  for line in io.lines(args[1]) do
    if i % threads == id - 1 then slots[#slots + 1] = line end
    i = i + 1
  end
  next_slot = 0
end

function request()
  next_slot = next_slot % #slots + 1
  local service, date, time = slots[next_slot]:match("^([^\t]*)\t([^\t]*)\t([^\t]*)$")
  sent = sent + 1
  local body = '{"service": ' .. service .. ', "date": "' .. date .. '", "slot": "' .. time .. '"}'
  local headers = {
    ["Authorization"] = authorization,
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
    ["Idempotency-Key"] = "bench-" .. nonce .. "-" .. id .. "-" .. sent,
    ["X-Forwarded-Proto"] = "https",
  }
  return wrk.format("POST", path, headers, body)
end
