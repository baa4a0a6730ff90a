# 20 projects, buckets of 5 refilled at 2/s each (40/s summed), simulator options: --headers new --retry-after-date --ratelimits-forbidden.
# No request inside a Retry-After, 429s <= 5% of requests
. "$OB_TESTS_DIR/lib/run.sh"
jobs=400
check_rate_limited_run $jobs 5
