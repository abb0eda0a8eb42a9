# shellcheck shell=bash
# Shared by the load benchmark scripts/bench-check; sourced, not run.
# Expects: users, seconds, warmup, store_dir, threads, server_threads, work (a temporary folder)
# and say(). Keeps, per binary label (old, new): bins, databases, servers, addresses, cookies.
# Sets: site.

declare -A bins=() databases=() servers=() addresses=() cookies=()

install_wrk() {
  if ! command -v wrk >/dev/null 2>&1; then
    say "Installing wrk from Debian"
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq wrk >/dev/null
  fi
}

# Stops every running server.
stop_servers() {
  local label
  for label in "${!servers[@]}"; do
    kill "${servers[$label]}" 2>/dev/null || true
    wait "${servers[$label]}" 2>/dev/null || true
    unset "servers[$label]"
  done
}

# The new binary: WCS_BENCH_NEW_BIN if given (prebuilt, not rebuilt), else the release build of
# this checkout. Then picks the static site folder.
build_new() {
  if [ -n "${WCS_BENCH_NEW_BIN:-}" ]; then
    bins[new]=$WCS_BENCH_NEW_BIN
  else
    say "Building the release server (cargo build --release --features ssr)"
    if ! cargo build --release --features ssr --bin who-can-see >"$work/build.log" 2>&1; then
      cat "$work/build.log" >&2
      exit 1
    fi
    bins[new]=target/release/who-can-see
  fi
  # The static file: the built stylesheet if `cargo leptos build` made one, else the source
  # stylesheet served from a site folder of our own (the same ServeDir serves either).
  site=target/site
  if [ ! -f "$site/pkg/who-can-see.css" ]; then
    site="$work/site"
    mkdir -p "$site/pkg"
    cp style/main.css "$site/pkg/who-can-see.css"
  fi
}

# Seeds the pristine store $store_dir/load-$users.db with binary $1 (the oldest measured: each
# binary migrates its own copy forward, never back), once: later runs reuse it as it is, and no
# server ever serves it. seeded-$users.txt beside it says which binary seeded it.
seed_pristine() {
  local seeder=$1 marker="$store_dir/seeded-$users.txt"
  mkdir -p "$store_dir"
  if [ -f "$marker" ]; then
    say "Seeded store reused: $store_dir/load-$users.db ($(cat "$marker"))"
    return
  fi
  say "Seeding $users load users into $store_dir/load-$users.db with $seeder (once; reused by later runs)"
  if ! RUST_LOG=warn DATABASE_URL="sqlite://$store_dir/load-$users.db" "$seeder" seed-load --users "$users" >&2; then
    echo "Seeding failed. If its migrations failed, $store_dir was made by a newer build than $seeder:" \
      "remove it, or set WCS_BENCH_DIR to another folder." >&2
    exit 1
  fi
  echo "seeded by $seeder, sha256 $(sha256sum "$seeder" | cut -c1-12), $(date -u +%FT%TZ)" >"$marker"
}

# Copies the pristine store's files (load-N.db and its -wal/-shm, load-N.counts.db..., any logs
# beside them) into $work/$1/, which binary $1 serves (and migrates) from then on.
copy_store() {
  local label=$1
  mkdir -p "$work/$label"
  find "$store_dir" -maxdepth 1 -type f -name "load-$users.*" ! -name '*.serving' \
    -exec cp --reflink=auto -t "$work/$label" {} +
  databases[$label]="sqlite://$work/$label/load-$users.db"
}

# Starts binary $1's server on a free port with the floor endpoint; $2: record decisions
# (true/false). Its log is $work/$1/server-$2.log.
start_server() {
  local label=$1 record=$2 log="$work/$1/server-$2.log" address="" pid
  : >"$log"
  RUST_LOG="${RUST_LOG:-info}" TOKIO_WORKER_THREADS="$server_threads" DATABASE_URL="${databases[$label]}" \
    LEPTOS_SITE_ADDR=127.0.0.1:0 LEPTOS_SITE_ROOT="$site" WCS_DEMO=true \
    WCS_BENCH_FLOOR=true WCS_RECORD_DECISIONS="$record" "${bins[$label]}" serve >"$log" 2>&1 &
  pid=$!
  servers[$label]=$pid
  # Ready once it listens and has loaded the grants into memory (it answers checks meanwhile,
  # from the database, but the benchmark measures the steady state).
  for _ in $(seq 1 1800); do
    address=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -n 1 || true)
    # SQLite's warmer logs it; on PostgreSQL (no grant cache) /readyz says when it can serve.
    if [ -n "$address" ] && { grep -q 'Partner checks answer from memory' "$log" ||
      { [[ ${databases[$label]} == postgres* ]] && curl -sf "$address/readyz" >/dev/null; }; }; then
      addresses[$label]=$address
      say "$label (recording $record): $(grep -o 'Partner checks answer from memory.*' "$log" | head -n 1 || echo ready)"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "The $label server (${bins[$label]}) did not start:" >&2
  cat "$log" >&2
  exit 1
}

# Signs binary $1's server in as Alice (the demo account) and keeps the session's cookie header;
# fails unless the dashboard then answers 200 (not a redirect to /sign-in).
sign_in() {
  local label=$1 address=${addresses[$1]} answer cookie
  # The Origin of the server itself: cross-site posts are refused.
  answer=$(curl -sS -D - -o /dev/null -H "Origin: $address" \
    -d 'email=alice@example.com&password=alice-demo-2018' "$address/sign-in" | tr -d '\r')
  cookie=$(grep -i '^set-cookie:' <<<"$answer" | grep -vi 'max-age=0' | sed -E 's/^[^:]*: *//; s/;.*//' |
    paste -sd ';' | sed 's/;/; /g' || true)
  if ! grep -q 'session=' <<<"$cookie"; then
    printf 'Signing in as alice@example.com on the %s server set no session cookie; its answer:\n%s\n' \
      "$label" "$answer" >&2
    exit 1
  fi
  cookies[$label]=$cookie
  check_dashboard "$label"
  say "$label: signed in as Alice (cookie $(sed -E 's/=[^;]*//g' <<<"$cookie")); the dashboard answers 200"
}

# Fails unless binary $1's dashboard answers 200 with its session cookie.
check_dashboard() {
  local label=$1 status
  status=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -H "Cookie: ${cookies[$label]}" "${addresses[$label]}/")
  if [ "${status%% *}" != 200 ]; then
    echo "The $label server's dashboard answered $status with Alice's session cookie, not 200" >&2
    exit 1
  fi
}

# Runs wrk against binary $1's server for $2 seconds in mode $3 on path $4 with $5 connections,
# any further arguments passed to wrk (-H ...); prints its RESULT line.
run_wrk() {
  local label=$1 duration=$2 mode=$3 path=$4 conns=$5
  shift 5
  wrk -t"$threads" -c"$conns" -d"${duration}s" "$@" -s bench/check.lua "${addresses[$label]}$path" -- "$mode" "$users" |
    grep '^RESULT'
}

# Measures one figure of binary $1 after the warm-up: $2 its name, then run_wrk's arguments from
# the mode on. Prints "rps p50_ms p99_ms" and warns of errors.
measure() {
  local label=$1 name=$2 line non_2xx socket_errors
  shift 2
  if [ "$warmup" -gt 0 ]; then
    run_wrk "$label" "$warmup" "$@" >/dev/null
  fi
  line=$(run_wrk "$label" "$seconds" "$@")
  printf '  %-4s %-28s %s\n' "$label" "$name" "${line#RESULT }" >&2
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
