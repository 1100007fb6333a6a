-- Shared wrk reporting for bench/*.sh: one machine-readable line with requests/s, p50/p95/p99 and
-- the slowest request (max, ms), and the count of answers that were not 2xx/3xx or timed out
-- (wrk counts those as errors; a request past wrk's --timeout is not in the latencies at all, so
-- the scripts give a --timeout well above the budget for max).
-- Scripts that also need request() include this with dofile() and define their own.
function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT rps=%.1f p50=%.2f p95=%.2f p99=%.2f max=%.2f requests=%d errors=%d timeouts=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests, errors, summary.errors.timeout))
end
