-- wrk script: each request creates a complete lettings log through the submission API:
-- POST /api/v1/lettings-logs with a token and the JSON body in the file BODY.
-- Args: TOKEN BODY_FILE. The request is built once, in init().
dofile(os.getenv("BENCH_DIR") .. "/wrk_report.lua")
function init(args)
  local f = assert(io.open(args[2], "rb"))
  local body = f:read("*a")
  f:close()
  req = "POST /api/v1/lettings-logs HTTP/1.1\r\nHost: " .. wrk.host .. ":" .. wrk.port .. "\r\nAuthorization: Bearer " .. args[1] ..
        "\r\nContent-Type: application/json\r\nContent-Length: " .. #body .. "\r\n\r\n" .. body
end
function request()
  return req
end
