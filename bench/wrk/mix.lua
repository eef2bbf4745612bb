-- The realistic mix: each request is a random line of a file of paths that bench/run.py drew
-- from the seeded database (bench/mix.py), so popular shops come up often and the long tail
-- rarely. Headers given with -H (cookies, X-Forwarded-Proto) go with every request.
-- args: <paths file> <seed>
dofile("report.lua")  -- run with bench/wrk as the working directory
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(tonumber(args[2] or "1") * 1000 + id)
end

function request()
  return wrk.format(nil, paths[math.random(#paths)])
end
