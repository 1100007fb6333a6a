-- wrk script: each request saves one answer (the tenant code) on a log's setup page, the way the
-- form does: POST /lettings-logs/ID/tenant-code with the CSRF token and the page's version.
-- Logs are taken in turn from FIRST..FIRST+SPAN-1, spread over wrk's threads, so each save is on a
-- log no other request is saving at that moment. Args: FIRST SPAN CSRF THREADS.
-- The constant part of the request is built once, in init(): wrk shares the 2 cores with the
-- server, so the less the client spends per request, the more the figures are the server's.
dofile(os.getenv("BENCH_DIR") .. "/wrk_report.lua")
local next_tid = 0
function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
end
function init(args)
  first, span, csrf, nthreads = tonumber(args[1]), tonumber(args[2]), args[3], tonumber(args[4])
  n = 0
  local lines = {}
  local host = false
  for k, v in pairs(wrk.headers) do
    lines[#lines + 1] = k .. ": " .. v .. "\r\n"
    if k:lower() == "host" then host = true end
  end
  if not host then lines[#lines + 1] = "Host: " .. wrk.host .. ":" .. wrk.port .. "\r\n" end
  headers = table.concat(lines) .. "Content-Type: application/x-www-form-urlencoded\r\n"
  prefix = "csrf_token=" .. csrf .. "&version=1&tenancycode=W"
end
function request()
  local id = first + ((n * nthreads + tid) % span)
  n = n + 1
  local body = prefix .. id
  return "POST /lettings-logs/" .. id .. "/tenant-code HTTP/1.1\r\n" .. headers .. "Content-Length: " .. #body .. "\r\n\r\n" .. body
end
