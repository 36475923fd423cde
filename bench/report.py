"""The benchmark's tables: medians of the raw TSVs bench/run.sh wrote, ratios, chart data.
    python3 report.py RESULTS_DIR
Prints Markdown tables (docs/performance.md shows them) and writes echo.tsv, forward.tsv,
http.tsv, http-server.tsv (the medians) and the *.dat files charts.gp plots."""
import csv
import os
import statistics
import sys

out = sys.argv[1]
SERVERS = ["ours", "ours-poll", "python", "libevent", "epoll-c"]
PEERS = ["python", "libevent"]


def rows(name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def median(values):
    numbers = [float(v) for v in values if v not in ("NA", "", None)]
    return statistics.median(numbers) if numbers else None


def fmt(v, digits=0):
    return "NA" if v is None else f"{v:,.{digits}f}"


def ratio(a, b):
    return None if a is None or not b else a / b


def medians(rows_, key, names, fields):
    """{(name, field): median} of the rows whose `key` column is each name."""
    return {(n, f): median(r[f] for r in rows_ if r[key] == n) for n in names for f in fields}


def per_connection(m, name, connections=10000):
    """Bytes of resident memory per connection: (peak RSS - RSS before the first client) / connections."""
    if m[name, "rss_peak_kb"] is None or m[name, "rss_fresh_kb"] is None:
        return None
    return (m[name, "rss_peak_kb"] - m[name, "rss_fresh_kb"]) * 1024 / connections


def table(header, body):
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|")
    for r in body:
        print("| " + " | ".join(r) + " |")
    print()


# Echo
echo = rows("echo-raw.tsv")
configs = []
for r in echo:
    key = (int(r["conns"]), int(r["size"]), r["mode"])
    if key not in configs:
        configs.append(key)
configs.sort(key=lambda k: (k[1], k[2] != "pingpong", k[0]))
present = [s for s in SERVERS if any(r["server"] == s for r in echo)]
med = {}
for key in configs:
    for s in present:
        sel = [r for r in echo if (int(r["conns"]), int(r["size"]), r["mode"]) == key and r["server"] == s]
        med[key, s] = {f: median(r[f] for r in sel) for f in ("trips_per_s", "mb_per_s", "p50_us", "p99_us")}
if configs:
    print("Echo: round trips per second (median); ratio = ours (select) / best peer, ours / epoll-c\n")
    body, summary = [], [["conns", "size", "mode"] + present + ["best_peer", "ours_over_best_peer", "ours_over_epoll"]]
    for key in configs:
        t = {s: med[key, s]["trips_per_s"] for s in present}
        peers = [s for s in PEERS if s in present and t[s] is not None]
        best = max(peers, key=lambda s: t[s]) if peers else None
        rb = ratio(t.get("ours"), t[best] if best else None)
        re = ratio(t.get("ours"), t.get("epoll-c"))
        mode = "ping-pong" if key[2] == "pingpong" else "pipelined x8"
        body.append([str(key[0]), f"{key[1]} B", mode] + [fmt(t[s]) for s in present] +
                    [best or "NA", fmt(rb, 2), fmt(re, 2)])
        summary.append([key[0], key[1], key[2]] + [fmt(t[s]).replace(",", "") for s in present] +
                       [best or "NA", fmt(rb, 3), fmt(re, 3)])
    table(["conns", "size", "mode"] + present + ["best peer", "ours/best", "ours/epoll"], body)
    print("Echo: latency of a round trip, p50 / p99 in microseconds (median of the runs)\n")
    table(["conns", "size", "mode"] + present,
          [[str(k[0]), f"{k[1]} B", "ping-pong" if k[2] == "pingpong" else "pipelined x8"] +
           [f'{fmt(med[k, s]["p50_us"])} / {fmt(med[k, s]["p99_us"])}' for s in present] for k in configs])
    with open(os.path.join(out, "echo.tsv"), "w") as f:
        for line in summary:
            f.write("\t".join(str(x) for x in line) + "\n")
    with open(os.path.join(out, "echo-chart.dat"), "w") as f:
        f.write("config " + " ".join(present) + "\n")
        for key in configs:
            label = f'{key[0]}c/{"64B" if key[1] == 64 else "16K"}/{"pp" if key[2] == "pingpong" else "pl"}'
            f.write(label + " " + " ".join(fmt(med[key, s]["trips_per_s"]).replace(",", "").replace("NA", "0")
                                           for s in present) + "\n")

# Forwarding
fwd = rows("forward-raw.tsv")
if fwd:
    names = [n for n in ["direct", "ours", "splice", "socat", "python"] if any(r["forwarder"] == n for r in fwd)]
    tests = []
    for r in fwd:
        if r["test"] not in tests:
            tests.append(r["test"])
    m = {(n, t): median(r["value"] for r in fwd if r["forwarder"] == n and r["test"] == t) for n in names for t in tests}
    print("Forwarding: medians (bulk in MB/s, verified; ping-pong of 64 B in round trips/s)\n")
    header = ["forwarder"] + [("bulk 256 MiB MB/s" if t == "bulk" else f"ping-pong {t.split('-')[1]} conn trips/s")
                              for t in tests] + ["bulk / direct", "bulk / socat", "ping-pong 1 / socat"]
    body = []
    for n in names:
        body.append([n] + [fmt(m[n, t]) for t in tests] +
                    [fmt(ratio(m[n, "bulk"], m["direct", "bulk"]), 2), fmt(ratio(m[n, "bulk"], m.get(("socat", "bulk"))), 2),
                     fmt(ratio(m[n, "pingpong-1"], m.get(("socat", "pingpong-1"))), 2)])
    table(header, body)
    with open(os.path.join(out, "forward.tsv"), "w") as f:
        f.write("forwarder\t" + "\t".join(tests) + "\n")
        for n in names:
            f.write(n + "\t" + "\t".join(fmt(m[n, t]).replace(",", "") for t in tests) + "\n")
    with open(os.path.join(out, "forward-chart.dat"), "w") as f:
        f.write("forwarder " + " ".join(tests) + "\n")
        for n in names:
            f.write(n + " " + " ".join(fmt(m[n, t]).replace(",", "").replace("NA", "0") for t in tests) + "\n")

# HTTP
http = rows("http-raw.tsv")
if http:
    print("HTTP: download of 256 MiB from nginx on loopback (median; output checked by sha256)\n")
    m = {c: median(r["mb_per_s"] for r in http if r["client"] == c) for c in ("ours", "curl")}
    ok = {c: all(r["verified"] == "yes" for r in http if r["client"] == c) for c in ("ours", "curl")}
    table(["client", "MB/s", "sha256 matches", "ratio to curl"],
          [[c, fmt(m[c]), "yes" if ok[c] else "NO", fmt(ratio(m[c], m["curl"]), 2)] for c in ("ours", "curl")])
    with open(os.path.join(out, "http.tsv"), "w") as f:
        f.write("client\tmb_per_s\tverified\n")
        for c in ("ours", "curl"):
            f.write(f"{c}\t{fmt(m[c]).replace(',', '')}\t{'yes' if ok[c] else 'no'}\n")

# HTTP server
served = rows("http-server-raw.tsv")
if served:
    names = [n for n in ["ours", "ours-epoll", "python", "python-nodelay", "nginx"] if any(r["server"] == n for r in served)]
    tests = [("small", "1"), ("small", "10"), ("small", "100"), ("large", "1")]
    m = {(n, t, f): median(r[f] for r in served if r["server"] == n and (r["file"], r["conns"]) == t)
         for n in names for t in tests for f in ("req_per_s", "mb_per_s", "p50_us", "p99_us")}
    errors = {n: sum(int(r["errors"]) for r in served if r["server"] == n and r["errors"] != "NA") for n in names}
    failed = {n: sum(r["errors"] == "NA" for r in served if r["server"] == n) for n in names}
    value = {(n, t): m[n, t, "mb_per_s" if t[0] == "large" else "req_per_s"] for n in names for t in tests}
    print("HTTP server: wrk, keep-alive; requests/s for a 1 KiB file at 1, 10 and 100 connections, MB/s for a "
          "64 MiB file at 1 connection (median); ratio = ours (select) / nginx\n")
    table(["server", "1 KiB, 1 conn req/s", "1 KiB, 10 conns req/s", "1 KiB, 100 conns req/s", "64 MiB MB/s",
           "errors (failed runs)"],
          [[n] + [fmt(value[n, t]) for t in tests] + [f"{errors[n]} ({failed[n]})"] for n in names] +
          ([["ours / nginx"] + [fmt(ratio(value["ours", t], value["nginx", t]), 2) for t in tests] + [""]]
           if "ours" in names and "nginx" in names else []))
    print("HTTP server: latency of a request, p50 / p99 in microseconds (wrk; median of the runs)\n")
    table(["server", "1 KiB, 1 conn", "1 KiB, 10 conns", "1 KiB, 100 conns", "64 MiB, 1 conn"],
          [[n] + [f'{fmt(m[n, t, "p50_us"])} / {fmt(m[n, t, "p99_us"])}' for t in tests] for n in names])
    with open(os.path.join(out, "http-server.tsv"), "w") as f:
        f.write("server\t" + "\t".join(f"{t[0]}-{t[1]}" for t in tests) + "\terrors\n")
        for n in names:
            f.write(n + "\t" + "\t".join(fmt(value[n, t]).replace(",", "") for t in tests) + f"\t{errors[n]}\n")
    with open(os.path.join(out, "http-server-chart.dat"), "w") as f:
        f.write("test " + " ".join(names) + "\n")
        for t, label in zip(tests, ["1KiB/1c", "1KiB/10c", "1KiB/100c", "64MiB-MB/s"]):
            f.write(label + " " + " ".join(fmt(value[n, t]).replace(",", "").replace("NA", "0") for n in names) + "\n")

# Pass cost
passes = rows("pass-cost.tsv")
if passes:
    print("Pass cost: one loop pass, 1 busy + N idle channels, in microseconds\n")
    idles = sorted({int(r["idle"]) for r in passes})
    get = {(r["backend"], int(r["idle"])): float(r["ns_per_pass"]) / 1000 for r in passes}
    backends = [b for b in ("select", "poll", "epoll") if any(r["backend"] == b for r in passes)]
    table(["idle channels"] + [f"{n:,}" for n in idles],
          [[b] + [fmt(get.get((b, n)), 1) if (b, n) in get else "-" for n in idles] for b in backends])
    for b in ("select", "poll", "epoll"):
        with open(os.path.join(out, f"pass-{b}.dat"), "w") as f:
            for n in idles:
                if (b, n) in get:
                    f.write(f"{n} {get[b, n]}\n")

# Pass cost with timers
timed = rows("pass-timers.tsv")
if timed:
    counts = sorted({int(r["timers"]) for r in timed})
    idle = timed[0]["idle"]
    print(f"Pass cost with pending timers: one loop pass, 1 busy + {idle} idle channels, in microseconds "
          "(median of 5)\n")
    get = {(r["backend"], int(r["timers"])): float(r["ns_per_pass"]) / 1000 for r in timed}
    table(["pending timers"] + [f"{n:,}" if n else "none" for n in counts] + ["ratio"],
          [[b] + [fmt(get.get((b, n)), 2) for n in counts] + [fmt(ratio(get.get((b, counts[-1])), get.get((b, counts[0]))), 2)]
           for b in ("select", "poll")])

# Echo at 10,000 connections
big = rows("echo10k-raw.tsv")
if big:
    print("Echo at 10,000 connections, 64 B ping-pong: medians; RSS per connection = (peak RSS - RSS before "
          "the first client) / 10,000\n")
    names = [n for n in ["ours-epoll", "libevent", "epoll-c"] if any(r["server"] == n for r in big)]
    m = medians(big, "server", names, ("trips_per_s", "p50_us", "p99_us", "rss_fresh_kb", "rss_peak_kb"))
    table(["server", "round trips/s", "p50 µs", "p99 µs", "RSS per connection (B)", "trips / epoll-c"],
          [[n, fmt(m[n, "trips_per_s"]), fmt(m[n, "p50_us"]), fmt(m[n, "p99_us"]), fmt(per_connection(m, n)),
            fmt(ratio(m[n, "trips_per_s"], m.get(("epoll-c", "trips_per_s"))), 2)] for n in names])

h10k = rows("http10k-raw.tsv")
if h10k:
    print("\nHTTP server at 10,000 keep-alive connections, 1 KiB file, wrk -t2 -c10000 -d5s: medians; served at 2 s ="
          " connections the server had established 2 s into the run; RSS per connection as for echo\n")
    names = [n for n in ["ours-epoll", "nginx"] if any(r["server"] == n for r in h10k)]
    fields = ("req_per_s", "p50_us", "p99_us", "timeouts", "other_errors", "served_at_2s", "rss_fresh_kb", "rss_peak_kb")
    m = medians(h10k, "server", names, fields)
    table(["server", "requests/s", "p50 µs", "p99 µs", "timeouts (> 2 s)", "other errors", "served at 2 s",
           "RSS per connection (B)", "requests / nginx"],
          [[n, fmt(m[n, "req_per_s"]), fmt(m[n, "p50_us"]), fmt(m[n, "p99_us"]), fmt(m[n, "timeouts"]),
            fmt(m[n, "other_errors"]), fmt(m[n, "served_at_2s"]), fmt(per_connection(m, n)),
            fmt(ratio(m[n, "req_per_s"], m.get(("nginx", "req_per_s"))), 2)] for n in names])

