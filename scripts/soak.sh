#!/usr/bin/env bash
# Crash soak of the catalog: kill -9 at random moments during `kb ingest`
# of 200 generated documents and during API uploads (ten times each by
# default); after each restart the documents list (GET /api/documents),
# /healthz and a search must agree exactly:
#   - /healthz documents = the number of listed documents,
#   - /healthz passages  = the sum of the listed documents' passages,
#   - a search for a word each generated document (doc001.txt …) holds in
#     exactly one passage finds (seed hits) + (generated documents listed),
#   - no upload task is left queued or processing once the worker is idle.
#
#   scripts/soak.sh [runs per phase, default 10]
#   SOAK_BIG=1 scripts/soak.sh   # also upload one 40 MB text file as a task (minutes)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-10}
TOKEN=soak-token
work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/kb" .
KB="$work/kb"
port=$((20000 + RANDOM % 20000))
BASE="http://127.0.0.1:$port"

# 200 small documents; each names 紫砂 in exactly one passage.
mkdir -p "$work/docs"
for i in $(seq 1 200); do
  {
    echo "浸泡测试第${i}号县推进商务楼宇发展的做法"
    echo
    echo "一、主要做法"
    echo
    echo "第${i}号县建立楼宇服务专班，编号${i}，为入驻企业提供登记代办服务。"
    echo
    echo "第${i}号县扶持紫砂手工艺企业${i}家，设立紫砂产业园，编号${i}。"
    echo
    echo "第${i}号县开展楼宇招商推介活动${i}场，引进总部企业，编号${i}。"
  } >"$work/docs/doc$(printf %03d "$i").txt"
done

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

start_server() { # data folder
  "$KB" serve --addr "127.0.0.1:$port" --data "$1" --admin-token "$TOKEN" --log-level warn 2>>"$work/serve.log" &
  pid=$!
  for _ in $(seq 1 300); do
    if curl -fsS "$BASE/healthz" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "soak: server exited; log:" >&2; tail -20 "$work/serve.log" >&2; return 1; fi
    sleep 0.1
  done
  echo "soak: server not ready" >&2
  return 1
}

stop_server() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
}

kill_server() {
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
}

# Waits until no task is queued or processing.
wait_tasks() { # [seconds, default 120]
  for _ in $(seq 1 $((${1:-120} * 5))); do
    busy=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/api/tasks?limit=100" |
      json "sum(1 for t in d['tasks'] if t['status'] in ('queued','processing'))")
    [ "$busy" = 0 ] && return 0
    sleep 0.2
  done
  echo "soak: tasks still running" >&2
  return 1
}

# wait_for waits until a folder has an entry not starting with a dot.
wait_for() { # folder seconds
  for _ in $(seq 1 $(($2 * 20))); do
    if [ -n "$(ls "$1" 2>/dev/null)" ]; then return 0; fi
    sleep 0.05
  done
}

seed_hits=""
# check: the catalog agrees with itself. Prints a reason and fails otherwise.
check() {
  health=$(curl -fsS "$BASE/healthz")
  docs=$(curl -fsS "$BASE/api/documents")
  hp=$(echo "$health" | json "d['passages']")
  hd=$(echo "$health" | json "d['documents']")
  ld=$(echo "$docs" | json "len(d['documents'])")
  lp=$(echo "$docs" | json "sum(x['passages'] for x in d['documents'])")
  gen=$(echo "$docs" | json "sum(1 for x in d['documents'] if not x['builtin'] and x['source'].startswith('doc'))")
  hits=$(curl -fsS "$BASE/api/search?q=%E7%B4%AB%E7%A0%82&size=1" | json "d['total']")
  if [ "$hp" != "$lp" ] || [ "$hd" != "$ld" ] || [ "$hits" != $((seed_hits + gen)) ]; then
    echo "healthz passages=$hp documents=$hd; listed passages=$lp documents=$ld; search $hits, want $((seed_hits + gen)) ($gen generated)"
    return 1
  fi
  echo "documents=$ld passages=$hp generated=$gen"
}

passed=0
failed=0
result() { # name, check output, status
  if [ "$3" = 0 ]; then
    passed=$((passed + 1))
    echo "soak: $1 ok: $2"
  else
    failed=$((failed + 1))
    echo "soak: $1 FAILED: $2"
  fi
}

# The seed's own hits for the search word.
start_server "$work/base"
seed_hits=$(curl -fsS "$BASE/api/search?q=%E7%B4%AB%E7%A0%82&size=1" | json "d['total']")
stop_server

# Phase 1: kill -9 during kb ingest of 200 documents.
for run in $(seq 1 "$RUNS"); do
  data="$work/ingest-$run"
  "$KB" ingest "$work/docs" --data "$data" >/dev/null 2>&1 &
  ipid=$!
  # Kill at a random moment once documents are going in (a kill during the
  # first start is a less interesting case, covered now and then too).
  wait_for "$data/documents" 60
  sleep "$(python3 -c "import random; print(round(random.uniform(0, 1.5), 2))")"
  kill -9 "$ipid" 2>/dev/null || true
  wait "$ipid" 2>/dev/null || true
  start_server "$data"
  out=$(check) && st=0 || st=$?
  result "ingest run $run" "$out" "$st"
  # A second start must reuse what the first one repaired, and agree too.
  stop_server
  start_server "$data"
  out=$(check) && st=0 || st=$?
  [ "$st" = 0 ] || result "ingest run $run (second start)" "$out" "$st"
  stop_server
  rm -rf "$data"
done

# Phase 2: kill -9 the server during API uploads.
upload_batch() { # first last
  args=()
  for i in $(seq "$1" "$2"); do args+=(-F "file=@$work/docs/doc$(printf %03d "$i").txt"); done
  curl -sS -o /dev/null -H "Authorization: Bearer $TOKEN" "${args[@]}" "$BASE/api/documents" 2>/dev/null || true
}
for run in $(seq 1 "$RUNS"); do
  data="$work/upload-$run"
  start_server "$data"
  (
    for b in $(seq 0 19); do upload_batch $((b * 10 + 1)) $((b * 10 + 10)); done
  ) &
  upid=$!
  wait_for "$data/tasks" 60
  sleep "$(python3 -c "import random; print(round(random.uniform(0, 2.0), 2))")"
  kill_server
  kill "$upid" 2>/dev/null || true
  wait "$upid" 2>/dev/null || true
  start_server "$data"
  wait_tasks
  out=$(check) && st=0 || st=$?
  result "upload run $run" "$out" "$st"
  stop_server
  rm -rf "$data"
done

# Optional: one 40 MB text file uploaded as a task must succeed.
if [ "${SOAK_BIG:-}" = 1 ]; then
  data="$work/big"
  python3 - "$work/big.txt" <<'EOF'
import sys
out, size, i = [], 0, 0
while size < 40 * (1 << 20):
    s = f"第{i}项：太谷区设立农产品加工产业基金{i % 97}亿元，扶持小微企业技术改造{i % 13}项，培育专精特新企业{i % 7}家。\n\n"
    out.append(s); size += len(s.encode()); i += 1
open(sys.argv[1], "w").write("".join(out))
EOF
  start_server "$data"
  task=$(curl -fsS -H "Authorization: Bearer $TOKEN" -F "file=@$work/big.txt" "$BASE/api/documents" | json "d['id']")
  SECONDS=0
  wait_tasks 1800
  status=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/api/tasks/$task" | json "d['status'] + ' ' + str(d['passages'])")
  out=$(check) && st=0 || st=$?
  [ "${status%% *}" = succeeded ] || st=1
  result "40 MB upload" "task $status in ${SECONDS}s; $out" "$st"
  stop_server
fi

echo "soak: $passed passed, $failed failed"
[ "$failed" = 0 ]
