-- wrk script: POST the same batch body over and over to the collector (or the ceiling server).
--   BODY_FILE  the request body (batch-100.json or batch-100.json.gz)
--   ENCODING   "gzip" to send Content-Encoding: gzip; empty for plain JSON
--   WRITE_KEY  sent as Basic auth (the write key as user name, empty password)
-- Usage: BODY_FILE=... ENCODING=gzip WRITE_KEY=k wrk -t1 -c32 -d20s --latency -s collector-batch.lua http://127.0.0.1:8088/v1/batch

local function read_file(path)
  local f = assert(io.open(path, "rb"), "cannot open BODY_FILE " .. tostring(path))
  local data = f:read("*a")
  f:close()
  return data
end

-- base64 of "key:" for the Authorization header
local function base64(s)
  local chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  return ((s:gsub(".", function(x)
    local r, b = "", x:byte()
    for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and "1" or "0") end
    return r
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
    if #x < 6 then return "" end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return chars:sub(c + 1, c + 1)
  end) .. ({ "", "==", "=" })[#s % 3 + 1])
end

wrk.method = "POST"
wrk.body = read_file(os.getenv("BODY_FILE"))
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Basic " .. base64((os.getenv("WRITE_KEY") or "bench") .. ":")
if os.getenv("ENCODING") == "gzip" then
  wrk.headers["Content-Encoding"] = "gzip"
end

-- One parseable line for the figures script: requests/s, p50 and p99 latency (microseconds), errors.
function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d errors=%d non2xx=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), errors, summary.errors.status))
end
