-- wrk script: each request saves one answer (the tenant code) on a log's setup page, the way the
-- form does: POST /lettings-logs/ID/tenant-code with the CSRF token and the page's version.
-- Logs are taken in turn from FIRST..FIRST+SPAN-1, spread over wrk's threads, so each save is on a
-- log no other request is saving at that moment. Args: FIRST SPAN CSRF THREADS.
dofile(os.getenv("BENCH_DIR") .. "/wrk_report.lua")
local next_tid = 0
function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
end
function init(args)
  first, span, csrf, nthreads = tonumber(args[1]), tonumber(args[2]), args[3], tonumber(args[4])
  n = 0
end
function request()
  local id = first + ((n * nthreads + tid) % span)
  n = n + 1
  local body = "csrf_token=" .. csrf .. "&version=1&tenancycode=W" .. id
  -- wrk.format does not add wrk.headers (the -H session cookie) when given its own headers.
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  for k, v in pairs(wrk.headers) do headers[k] = v end
  return wrk.format("POST", "/lettings-logs/" .. id .. "/tenant-code", headers, body)
end
