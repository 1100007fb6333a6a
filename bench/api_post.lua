-- wrk script: each request creates a complete lettings log through the submission API:
-- POST /api/v1/lettings-logs with a token and the JSON body in the file BODY, whose tenant code
-- "BENCH-TENANT" is made unique per request (identical logs would all be duplicates of each other,
-- one ever-growing duplicate set, which real submissions are not).
-- Args: TOKEN BODY_FILE. The constant parts of the request are built once, in init().
dofile(os.getenv("BENCH_DIR") .. "/wrk_report.lua")
local next_tid = 0
function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
end
function init(args)
  local f = assert(io.open(args[2], "rb"))
  local body = f:read("*a")
  f:close()
  local at = assert(body:find("BENCH-TENANT", 1, true))
  before, after = body:sub(1, at - 1), body:sub(at + #"BENCH-TENANT")
  head = "POST /api/v1/lettings-logs HTTP/1.1\r\nHost: " .. wrk.host .. ":" .. wrk.port .. "\r\nAuthorization: Bearer " .. args[1] ..
         "\r\nContent-Type: application/json\r\nContent-Length: "
  n = 0
end
function request()
  n = n + 1
  local b = before .. "T" .. tid .. "-" .. n .. after
  return head .. #b .. "\r\n\r\n" .. b
end
