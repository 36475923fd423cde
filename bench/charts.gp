# The benchmark's charts, from the .dat files report.py writes. Run in the results directory.
set terminal pngcairo size 1000,480 font "sans,10" noenhanced
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set grid ytics
set key outside right top

set output "bench-echo.png"
set title "Echo: round trips per second (median), c = connections, pp = ping-pong, pl = pipelined x8"
set logscale y
set ylabel "round trips / s (log)"
set xtics rotate by -45
plot for [i=2:*] "echo-chart.dat" using i:xtic(1) title columnheader(i)

set output "bench-forward.png"
set title "Port forwarding: bulk 256 MiB (MB/s) and 64 B ping-pong (round trips/s), median"
set ylabel "MB/s or round trips/s (log)"
set xtics norotate
plot for [i=2:*] "forward-chart.dat" using i:xtic(1) title columnheader(i)

set output "bench-pass-cost.png"
set title "One loop pass with 1 busy and N idle channels"
set style data linespoints
set logscale xy
set xlabel "idle channels"
set ylabel "microseconds per pass"
plot "pass-select.dat" using 1:2 title "select()" lw 2, "pass-poll.dat" using 1:2 title "poll()" lw 2
