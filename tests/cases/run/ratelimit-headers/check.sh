# 20 projects, buckets of 5 refilled at 2/s each (40/s summed), simulator options: --headers standard.
# No request inside a Retry-After, 429s <= 1% of requests, and after the initial
# capacity the run keeps >= 90% of the summed refill rate
. "$OB_TESTS_DIR/lib/run.sh"
jobs=900
check_rate_limited_run $jobs 1
# throughput: the 20 x 5 initial tokens are free; the rest comes at 40/s at best
# (jobs - 100) / elapsed >= 0.9 * 40  <=>  (jobs - 100) * 1000 * 10 >= 36 * 10 * elapsed_ms
[ $(( (jobs - 100) * 10000 )) -ge $(( 360 * OB_ELAPSED_MS )) ] ||
    failed "throughput $(( (jobs - 100) * 1000 / OB_ELAPSED_MS )) jobs/s after the initial capacity ($OB_ELAPSED_MS ms for $jobs jobs), want >= 36 (90% of 40/s)"
