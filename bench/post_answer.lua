-- wrk script: each request saves one answer (the landlord's reference: the tenant code, the
-- purchaser code) on a log's setup page, the way the form does: POST /LIST/ID/PAGE with the CSRF
-- token, the page's version and FIELD=W<id>. Logs are taken in turn from FIRST..FIRST+SPAN-1,
-- spread over wrk's threads, so each save is on a log no other request is saving at that moment.
-- Args: FIRST SPAN CSRF THREADS LIST PAGE FIELD (bench/logs.sh reads the last three from the kind's
-- form: lettings-logs tenant-code tenancycode, sales-logs purchaser-code purchid).
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
  list, page, field = args[5], args[6], args[7]
  n = 0
  local lines = {}
  local host = false
  for k, v in pairs(wrk.headers) do
    lines[#lines + 1] = k .. ": " .. v .. "\r\n"
    if k:lower() == "host" then host = true end
  end
  if not host then lines[#lines + 1] = "Host: " .. wrk.host .. ":" .. wrk.port .. "\r\n" end
  headers = table.concat(lines) .. "Content-Type: application/x-www-form-urlencoded\r\n"
  prefix = "csrf_token=" .. csrf .. "&version=1&" .. field .. "=W"
end
function request()
  local id = first + ((n * nthreads + tid) % span)
  n = n + 1
  local body = prefix .. id
  return "POST /" .. list .. "/" .. id .. "/" .. page .. " HTTP/1.1\r\n" .. headers .. "Content-Length: " .. #body .. "\r\n\r\n" .. body
end
