-- wrk's report for bench/run.sh, one line of KEY=VALUE: requests, bytes, duration in
-- microseconds, and the errors (status counts every answer that is not 2xx or 3xx).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("wrk requests=%d bytes=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.bytes, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
