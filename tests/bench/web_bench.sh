#!/usr/bin/env bash
# web_bench: the web hall under load (issue 6). A county node runs `yimen run
# --web` pinned to core 0; wrk (Debian), pinned to core 1, drives it with fixed
# connections and duration, three runs each, and the median is printed:
#   catalogue_rps  GET /api/v1/catalogue (the public catalogue list)
#   track_rps      POST /api/v1/track (a resident's lookup: one Argon2id check each)
#   p99_ms         the catalogue's 99th percentile latency
# Then nginx (Debian), from a private config on a loopback port and pinned to
# core 0 too, serves the same catalogue bytes: nginx_rps and catalogue_ratio =
# catalogue_rps / nginx_rps (target >= 0.5).
set -euo pipefail
yimen=${YIMEN:-@YIMEN_BINARY@}
source_dir=@PROJECT_SOURCE_DIR@
connections=${WEB_BENCH_CONNECTIONS:-32}
duration=${WEB_BENCH_SECONDS:-8}
password="bench password 2026"

for tool in wrk nginx curl taskset; do
  command -v "$tool" >/dev/null || { echo "web_bench: $tool is missing (make bench installs it)" >&2; exit 1; }
done
nginx_bin=$(command -v nginx)

work=$(mktemp -d)
# nginx's workers drop root for an unprivileged user, who must read its files.
www=$(mktemp -d)
chmod 0755 "$www"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work" "$www"
}
trap cleanup EXIT

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "web_bench: no free port" >&2
  exit 1
}

wait_for() {  # URL: bounded wait until it answers
  for _ in $(seq 1 100); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "web_bench: $1 did not come up" >&2
  exit 1
}

# --- a city and its county, the example catalogue published by the county
"$yimen" init --data "$work/city" --id 441800000000 --name 示范市 --root >/dev/null
"$yimen" init --data "$work/county" --id 441802000000 --name 清城区 >/dev/null
# The city is never started: the address only lets enrolment name it.
sed -i "s|^# listen = \"tcp.*|listen = \"tcp://127.0.0.1:$(free_port)\"|" "$work/city/node.toml"
req=$("$yimen" enrol request --data "$work/county")
cert=$("$yimen" enrol approve --data "$work/city" "$req")
"$yimen" enrol install --data "$work/county" "$cert" >/dev/null
echo "$password" | "$yimen" user add --data "$work/county" --role admin --login admin --display 管理员 >/dev/null
echo "$password" | "$yimen" user add --data "$work/county" --role clerk --login clerk --display 王窗口 >/dev/null
"$yimen" catalogue import --data "$work/county" --as admin "$source_dir/config/catalogue.example.toml" >/dev/null
submitted=$(echo "11010519491231002X,张三,13800138000,441802001001" |
  "$yimen" case submit --data "$work/county" --as clerk --item JF-00105-000-441802000000)
case_no=$(echo "$submitted" | awk '$1 == "case" {print $2}')
code=$(echo "$submitted" | awk '$1 == "query" && $2 == "code" {print $3}')

web_port=$(free_port)
taskset -c 0 "$yimen" run --data "$work/county" --web "127.0.0.1:$web_port" >/dev/null 2>"$work/node.log" &
pids+=($!)
base="http://127.0.0.1:$web_port"
wait_for "$base/healthz"

# A resident's session: the cookie and its CSRF token.
session=$(curl -s -c "$work/cookies" "$base/api/v1/session")
csrf=$(echo "$session" | sed 's/.*"csrf":"\([0-9a-f]*\)".*/\1/')
cookie=$(awk '$6 == "yimen_session" {print $7}' "$work/cookies")
cat > "$work/track.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"case_no":"$case_no","code":"$code"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-CSRF-Token"] = "$csrf"
wrk.headers["Cookie"] = "yimen_session=$cookie"
LUA
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Content-Type: application/json" \
  -H "X-CSRF-Token: $csrf" -b "yimen_session=$cookie" \
  --data "{\"case_no\":\"$case_no\",\"code\":\"$code\"}" "$base/api/v1/track")
[ "$status" = 200 ] || { echo "web_bench: the track request answers $status" >&2; exit 1; }

# wrk's requests per second and 99th percentile (ms) for one run.
run_wrk() {  # URL [wrk args...]
  local url=$1; shift
  taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" --latency "$@" "$url" > "$work/wrk.out"
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; print v}' "$work/wrk.out")
  if grep -q "Non-2xx" "$work/wrk.out"; then
    echo "web_bench: non-2xx answers from $url" >&2
    cat "$work/wrk.out" >&2
    exit 1
  fi
  echo "$rps $p99"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

three_runs() {  # URL [wrk args...] -> "rps_median p99_median"
  local out=()
  for _ in 1 2 3; do out+=("$(run_wrk "$@")"); done
  local rps p99
  rps=$(printf '%s\n' "${out[@]}" | awk '{print $1}' | median)
  p99=$(printf '%s\n' "${out[@]}" | awk '{print $2}' | median)
  echo "$rps $p99"
}

read -r catalogue_rps p99_ms < <(three_runs "$base/api/v1/catalogue")
read -r track_rps _ < <(three_runs "$base/api/v1/track" -s "$work/track.lua")

# --- nginx with the same bytes, from a private config
mkdir -p "$work/nginx"
curl -sf "$base/api/v1/catalogue" > "$www/catalogue"
chmod 0644 "$www/catalogue"
nginx_port=$(free_port)
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    location = /api/v1/catalogue {
      default_type "application/json; charset=utf-8";
      alias $www/catalogue;
    }
  }
}
CONF
taskset -c 0 "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
pids+=($!)
wait_for "http://127.0.0.1:$nginx_port/api/v1/catalogue"
read -r nginx_rps _ < <(three_runs "http://127.0.0.1:$nginx_port/api/v1/catalogue")

echo "connections=$connections"
echo "duration_s=$duration"
echo "catalogue_bytes=$(wc -c < "$www/catalogue")"
echo "catalogue_rps=$catalogue_rps"
echo "track_rps=$track_rps"
echo "p99_ms=$p99_ms"
echo "nginx_rps=$nginx_rps"
awk -v a="$catalogue_rps" -v b="$nginx_rps" 'BEGIN {printf "catalogue_ratio=%.2f\n", a / b}'
