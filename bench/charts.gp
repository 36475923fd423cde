# The benchmark's charts, from the .dat files report.py writes. Run in the results directory.
# A chart whose data is missing (a step not run: BENCH_ONLY in run.sh) is not drawn.
have(file) = int(system("test -s " . file . " && echo 1 || echo 0"))
set terminal pngcairo size 1000,480 font "sans,10" noenhanced
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set grid ytics
set key outside right top

if (have("echo-chart.dat")) {
set output "bench-echo.png"
set title "Echo: round trips per second (median), c = connections, pp = ping-pong, pl = pipelined x8"
set logscale y
set ylabel "round trips / s (log)"
set xtics rotate by -45
plot for [i=2:*] "echo-chart.dat" using i:xtic(1) title columnheader(i)
}

if (have("forward-chart.dat")) {
set output "bench-forward.png"
set title "Port forwarding: bulk 256 MiB (MB/s) and 64 B ping-pong (round trips/s), median"
set ylabel "MB/s or round trips/s (log)"
set xtics norotate
plot for [i=2:*] "forward-chart.dat" using i:xtic(1) title columnheader(i)
}

if (have("http-server-chart.dat")) {
set output "bench-http-server.png"
set title "HTTP server (wrk, keep-alive): requests/s for 1 KiB at 1, 10, 100 connections; MB/s for 64 MiB; median"
set logscale y
set ylabel "requests/s or MB/s (log)"
set xtics norotate
plot for [i=2:*] "http-server-chart.dat" using i:xtic(1) title columnheader(i)
}

if (have("pass-poll.dat")) {
set output "bench-pass-cost.png"
set style data linespoints
set logscale xy
set xlabel "idle channels"
set ylabel "microseconds per pass"
set title "One loop pass with 1 busy and N idle channels"
plot "pass-select.dat" using 1:2 title "select()" lw 2, "pass-poll.dat" using 1:2 title "poll()" lw 2
}

# The same with the epoll backend of chapter 15 (chapter 11 shows the chart above).
if (have("pass-epoll.dat")) {
set output "bench-pass-cost-epoll.png"
set title "One loop pass with 1 busy and N idle channels: select(), poll() and epoll"
plot "pass-select.dat" using 1:2 title "select()" lw 2, "pass-poll.dat" using 1:2 title "poll()" lw 2, \
     "pass-epoll.dat" using 1:2 title "epoll" lw 2
}
