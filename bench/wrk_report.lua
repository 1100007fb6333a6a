-- Shared wrk reporting for bench/*.sh: one machine-readable line with requests/s, p50/p95/p99 (ms)
-- and the count of answers that were not 2xx/3xx (wrk counts those as errors).
-- Scripts that also need request() include this with dofile() and define their own.
function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT rps=%.1f p50=%.2f p95=%.2f p99=%.2f requests=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests, errors))
end
