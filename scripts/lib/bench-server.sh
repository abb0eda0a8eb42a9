# Shared by the load benchmarks (scripts/bench-check, scripts/bench-merge); sourced, not run.
# Expects: users, seconds, warmup, store_dir, database, connections, threads, server_threads,
# work (a temporary folder) and say(). Sets: bin, site, server, address.

install_wrk() {
  if ! command -v wrk >/dev/null 2>&1; then
    say "Installing wrk from Debian"
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq wrk >/dev/null
  fi
}

server=""
stop_server() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
  fi
}

# Builds the release server, picks the static site folder and seeds the load users (reused).
# WCS_BENCH_BIN: a server binary to measure instead (another commit's, say), not rebuilt.
build_and_seed() {
  bin="${WCS_BENCH_BIN:-}"
  if [ -z "$bin" ]; then
    say "Building the release server (cargo build --release --features ssr)"
    if ! cargo build --release --features ssr --bin who-can-see >"$work/build.log" 2>&1; then
      cat "$work/build.log" >&2
      exit 1
    fi
    bin=target/release/who-can-see
  fi
  # The static file: the built stylesheet if `cargo leptos build` made one, else the source
  # stylesheet served from a site folder of our own (the same ServeDir serves either).
  site=target/site
  if [ ! -f "$site/pkg/who-can-see.css" ]; then
    site="$work/site"
    mkdir -p "$site/pkg"
    cp style/main.css "$site/pkg/who-can-see.css"
  fi
  mkdir -p "$store_dir"
  say "Seeding $users load users into $database (reused when already there)"
  RUST_LOG=warn DATABASE_URL="$database" "$bin" seed-load --users "$users" >&2
}

# Starts the server on a free port with the floor endpoint; $1: record decisions (true/false);
# $2: the database URL (default $database). Its log is $work/server.log.
start_server() {
  : >"$work/server.log"
  RUST_LOG="${RUST_LOG:-info}" TOKIO_WORKER_THREADS="$server_threads" DATABASE_URL="${2:-$database}" \
    LEPTOS_SITE_ADDR=127.0.0.1:0 LEPTOS_SITE_ROOT="$site" WCS_DEMO=true \
    WCS_BENCH_FLOOR=true WCS_RECORD_DECISIONS="$1" "$bin" serve >"$work/server.log" 2>&1 &
  server=$!
  address=""
  # Ready once it listens and has loaded the grants into memory (it answers checks meanwhile,
  # from the database, but the benchmark measures the steady state).
  for _ in $(seq 1 1800); do
    address=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/server.log" | head -n 1 || true)
    if [ -n "$address" ] && grep -q 'Partner checks answer from memory' "$work/server.log"; then
      grep -o 'Partner checks answer from memory.*' "$work/server.log" | head -n 1 >&2
      return 0
    fi
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  echo "The server did not start:" >&2
  cat "$work/server.log" >&2
  exit 1
}

# Runs wrk for $1 seconds in mode $2 against path $3 and prints its RESULT line.
run_wrk() {
  wrk -t"$threads" -c"$connections" -d"$1s" -s bench/check.lua "$address$3" -- "$2" "$users" | grep '^RESULT'
}

# Runs wrk in one mode after the warm-up; prints "rps p50_ms p99_ms" and checks for errors.
measure() {
  local name=$1 mode=$2 path=$3
  if [ "$warmup" -gt 0 ]; then
    run_wrk "$warmup" "$mode" "$path" >/dev/null
  fi
  local line
  line=$(run_wrk "$seconds" "$mode" "$path")
  printf '%-26s %s\n' "$name" "${line#RESULT }" >&2
  local non_2xx socket_errors
  non_2xx=$(sed -E 's/.*non_2xx=([0-9]+).*/\1/' <<<"$line")
  socket_errors=$(sed -E 's/.*socket_errors=([0-9]+).*/\1/' <<<"$line")
  if [ "$non_2xx" != 0 ] || [ "$socket_errors" != 0 ]; then
    echo "  (warning: $non_2xx non-2xx answers, $socket_errors socket errors)" >&2
  fi
  sed -E 's/.*rps=([0-9.]+) p50_ms=([0-9.]+) p99_ms=([0-9.]+).*/\1 \2 \3/' <<<"$line"
}

# The median of column $2 (1: rps, 2: p50, 3: p99) of the rounds in file $1.
median() {
  sort -g -k"$2,$2" "$1" | awk -v column="$2" '{ values[NR] = $column } END {
    if (NR % 2) print values[(NR + 1) / 2]; else print (values[NR / 2] + values[NR / 2 + 1]) / 2 }'
}

# The header of the medians' table, and one row of it: $1 the run's name, $2 its rounds' file.
median_header() {
  printf '%-26s %10s %9s %9s\n' run "requests/s" "p50 ms" "p99 ms"
}
median_row() {
  printf '%-26s %10s %9s %9s\n' "$1" "$(median "$2" 1)" "$(median "$2" 2)" "$(median "$2" 3)"
}
