-- Booking POSTs: each wrk thread is one logged-in customer (its own session and CSRF token)
-- and books its own share of distinct free slots, so no two requests ask for the same slot.
-- Each POST carries its own one-time key, as a browser sends the key of the form it rendered
-- (a form without that field ignores it).
-- args: <slots file> <users file> <thread count> <origin> <run nonce>
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
  cookie, csrf = me:match("^([^\t]*)\t([^\t]*)$")
  local threads = tonumber(args[3])
  origin = args[4]
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
  local path, date, time = slots[next_slot]:match("^([^\t]*)\t([^\t]*)\t([^\t]*)$")
  sent = sent + 1
  local body = "csrfmiddlewaretoken=" .. csrf .. "&date=" .. date .. "&time=" .. time ..
    "&note=&idempotency_key=bench-" .. nonce .. "-" .. id .. "-" .. sent
  local headers = {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Origin"] = origin,
    ["Referer"] = origin .. path,
    ["X-Forwarded-Proto"] = "https",
  }
  return wrk.format("POST", path, headers, body)
end
