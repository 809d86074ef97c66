-- wrk script for the SCIM benchmarks. Environment:
--   BENCH_MODE  get | post | patch
--   BENCH_BASE  path prefix of the SCIM base URL ("/scim/v2" or "")
--   BENCH_TOKEN bearer token
--   BENCH_USERS how many seeded users "bench.user0".."bench.user<N-1>" exist (get)
--   BENCH_IDS   file with one seeded user id a line (patch)
--   BENCH_RUN   unique prefix for the userNames this run creates (post)
local mode = os.getenv("BENCH_MODE") or "get"
local base = os.getenv("BENCH_BASE") or ""
local users = tonumber(os.getenv("BENCH_USERS") or "1") or 1
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local counter = 0
local ids = {}
tid = 0 -- set per thread by setup() (a global: thread:set writes globals)

wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "")
wrk.headers["Accept"] = "application/scim+json"
wrk.headers["Content-Type"] = "application/scim+json"

-- Per-thread sums of the Server-Timing header (SCIM_SERVER_TIMING=1): engine, storage and script time, ms.
timed, engine_ms, storage_ms, app_ms = 0, 0, 0, 0

local threads = {}
local next_thread = 0
function setup(thread)
  next_thread = next_thread + 1
  thread:set("tid", next_thread)
  threads[#threads + 1] = thread
end

function response(status, headers, body)
  local t = headers["Server-Timing"] or headers["server-timing"]
  if t then
    local e, s, a = t:match("engine;dur=([%d.]+), storage;dur=([%d.]+), app;dur=([%d.]+)")
    if e then
      timed = timed + 1
      engine_ms, storage_ms, app_ms = engine_ms + tonumber(e), storage_ms + tonumber(s), app_ms + tonumber(a)
    end
  end
end

function init(args)
  if mode == "patch" then
    for line in io.lines(os.getenv("BENCH_IDS")) do
      if line ~= "" then ids[#ids + 1] = line end
    end
  end
end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
  counter = counter + 1
  if mode == "get" then
    local name = "bench.user" .. ((counter * 7919) % users)
    return wrk.format("GET", base .. "/Users?filter=" .. urlencode('userName eq "' .. name .. '"'), nil, "")
  elseif mode == "post" then
    local name = "wrk." .. run .. "." .. tostring(tid) .. "." .. counter
    local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"' .. name ..
      '","name":{"givenName":"Bench","familyName":"User"},"emails":[{"value":"' .. name ..
      '@example.com","type":"work","primary":true}],"active":true}'
    return wrk.format("POST", base .. "/Users", nil, body)
  else
    local id = ids[(counter * 7919 + tid) % #ids + 1]
    local body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Bench ' ..
      counter .. '"}]}'
    return wrk.format("PATCH", base .. "/Users/" .. id, nil, body)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local n, eng, sto, app = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    n = n + thread:get("timed")
    eng, sto, app = eng + thread:get("engine_ms"), sto + thread:get("storage_ms"), app + thread:get("app_ms")
  end
  local mean = function(x) if n > 0 then return x / n else return 0 end end
  io.write(string.format('BENCH_JSON {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50ms":%.2f,"p99ms":%.2f,"non2xx":%d,"socketErrors":%d,"timed":%d,"engineMs":%.4f,"storageMs":%.4f,"appMs":%.4f}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, e.status, e.connect + e.read + e.write + e.timeout,
    n, mean(eng), mean(sto), mean(app)))
end
