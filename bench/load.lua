-- wrk script of bench/load.py: GET paths picked at random from a file (one path a line).
-- wrk ... -s bench/load.lua URL -- PATHFILE [uncached]
-- "uncached" adds a unique _nocache=... parameter to each request, so the server's response
-- cache never hits. done() prints one line, CHIPWATCH_JSON {...}, that bench/load.py reads.

local threads = {}
local count = 0

function setup(thread)
  count = count + 1
  thread:set("id", count)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  uncached = args[2] == "uncached"
  prepared = {}
  if not uncached then
    for i, p in ipairs(paths) do prepared[i] = wrk.format("GET", p) end
  end
  math.randomseed(id * 7919 + os.time())
  sent = 0
  non2xx = 0
  statuses = {}
end

function request()
  sent = sent + 1
  local i = math.random(#paths)
  if uncached then
    local p = paths[i]
    local sep = string.find(p, "?", 1, true) and "&" or "?"
    return wrk.format("GET", p .. sep .. "_nocache=" .. id .. "-" .. sent)
  end
  return prepared[i]
end

function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local non, merged = 0, {}
  for _, t in ipairs(threads) do
    non = non + t:get("non2xx")
    for k, v in pairs(t:get("statuses")) do merged[k] = (merged[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(merged) do parts[#parts + 1] = string.format('"%d": %d', k, v) end
  local e = summary.errors
  io.write(string.format(
    'CHIPWATCH_JSON {"duration_us": %d, "requests": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, '
    .. '"status": %d, "timeout": %d, "non2xx": %d, "statuses": {%s}, "p50": %d, "p90": %d, "p95": %d, "p99": %d, '
    .. '"max": %d, "mean": %.1f}\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout, non,
    table.concat(parts, ", "), latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean))
end
