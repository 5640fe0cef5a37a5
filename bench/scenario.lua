-- wrk script for driver.py: one scenario with random ticket ids; prints one JSON line when done.
-- Arguments (after wrk's `--`): METHOD PATH MAX_ID; "{id}" in PATH becomes a
-- random id from 1 to MAX_ID, and PATCH and POST send a small JSON body like the API's users do.

local next_seed = 1

function setup(thread)
  thread:set("seed", next_seed)
  next_seed = next_seed + 1
end

function init(args)
  method, path, max_id = args[1], args[2], tonumber(args[3])
  math.randomseed(seed)
  wrk.headers["Content-Type"] = "application/json"
  if method == "GET" and not path:find("{id}", 1, true) then
    -- The same request every time: wrk sends it as is, without calling Lua per request.
    wrk.path = path
    request = nil
  end
end

function request()
  local body = nil
  if method == "PATCH" then
    body = string.format('{"title": "Benchmark edit %d"}', math.random(1, 1000000000))
  elseif method == "POST" then
    body = string.format('{"title": "Benchmark ticket %d", "description": "Created by the benchmark."}',
                         math.random(1, 1000000000))
  end
  local target = path:gsub("{id}", tostring(math.random(1, max_id)))
  return wrk.format(method, target, nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "error_status": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
