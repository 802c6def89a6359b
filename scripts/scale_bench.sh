#!/usr/bin/env bash
# Side-by-side scale benchmark: the project (kb serve --synth N over HTTP)
# against SQLite FTS5 + jieba (scripts/scale_ref.py) on the same passages
# and the same query mix of hundreds of distinct queries.
#
#   scripts/scale_bench.sh [passages=100000] [port=18310] [workdir=/tmp/kb-scale-bench]
#
# Environment: SEED (corpus seed, 1), QUERIES (mix size, 300), LOAD_SECONDS
# (20), LOAD_REQUESTS (4000), SKIP_FTS=1 to measure the project only,
# KEEP_DATA=1 to reuse the index of the previous run, SKIP_STORED=1 to
# skip the restart from a stored catalog (below).
# Loopback only; every load is bounded in time and count; the server is
# stopped on exit.
set -euo pipefail
N=${1:-100000}
PORT=${2:-18310}
W=${3:-/tmp/kb-scale-bench}
SEED=${SEED:-1}
QUERIES=${QUERIES:-300}
LOAD_SECONDS=${LOAD_SECONDS:-20}
LOAD_REQUESTS=${LOAD_REQUESTS:-4000}
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
URL=http://127.0.0.1:$PORT
mkdir -p "$W"
R="$W/results"; mkdir -p "$R"

(cd "$REPO" && go build -o "$W/kb" .)
"$W/kb" synth --passages "$N" --seed "$SEED" --out "$W/corpus.jsonl" >/dev/null
LINES=$(wc -l <"$W/corpus.jsonl")
$PY "$HERE/scale_ref.py" mix "$W/corpus.jsonl" --out "$W/mix.txt" --n "$QUERIES" >/dev/null

SERVER=
stop() { if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=; fi; }
trap stop EXIT

# start DATA LOG VAR: starts the server and sets VAR to the seconds to
# /healthz 200. SOURCE holds the flags that give it its corpus beside the
# data folder's: the synthetic one, generated at every start.
SOURCE=(--synth "$N" --synth-seed "$SEED")
start() {
  local t0; t0=$(date +%s.%N)
  local data=$1 log=$2 var=$3
  "$W/kb" serve --addr 127.0.0.1:$PORT --data "$data" "${SOURCE[@]}" --log-level info >"$log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 6000); do
    if curl -sf "$URL/healthz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$SERVER" 2>/dev/null; then echo "server died: $(tail -5 "$log")" >&2; exit 1; fi
    sleep 0.1
  done
  printf -v "$var" '%s' "$(echo "$(date +%s.%N) - $t0" | bc)"
}

# --- the project
[ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$W/data" # KEEP_DATA=1: measure on the index of the last run
start "$W/data" "$W/serve-build.log" READY_BUILD
HP=$(curl -s "$URL/healthz" | $PY -c 'import json,sys; print(json.load(sys.stdin)["passages"])')
if [ "$HP" != "$LINES" ]; then echo "passage counts differ: server $HP, JSONL $LINES" >&2; exit 1; fi
for run in 1 2; do
  $PY "$HERE/scale_ref.py" http --url "$URL" --mix "$W/mix.txt" >"$R/kb_query_$run.json"
done
# load OUT: 8 clients on the mix, written to OUT, sampling the server's
# resident memory every 0.5 s into RSS_MAX (kB).
RSS_MAX=0
load() {
  "$W/kb" load --url "$URL" --queries "$W/mix.txt" --concurrency 8 --duration "${LOAD_SECONDS}s" --requests "$LOAD_REQUESTS" >"$1" &
  local lp=$!
  while kill -0 $lp 2>/dev/null; do
    RSS=$(awk '/VmRSS/ {print $2}' /proc/$SERVER/status)
    [ "$RSS" -gt "$RSS_MAX" ] && RSS_MAX=$RSS
    sleep 0.5
  done
  wait $lp
}
for run in 1 2; do load "$R/kb_load_$run.txt"; done
echo "$RSS_MAX" >"$R/kb_rss_kb.txt"
stop
start "$W/data" "$W/serve-reuse1.log" READY_REUSE1; stop
start "$W/data" "$W/serve-reuse2.log" READY_REUSE2; stop
{ echo "ready_build $READY_BUILD"; echo "ready_reuse $READY_REUSE1 $READY_REUSE2"; } >"$R/kb_ready.txt"

# --- restart from a stored catalog: what a deployment restarts from. The
# synthetic documents (seed 1) are stored as brought documents are, each
# with its parsed form, and the index is built over them, by the kbase
# restart benchmark; the server then starts on that data folder alone.
if [ "${SKIP_STORED:-0}" != 1 ]; then
  [ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$W/stored"
  (cd "$REPO" && KB_BENCH_PASSAGES="$N" KB_BENCH_DIR="$W/stored" go test ./kbase -run '^$' -bench RestartStored -benchtime 1x -timeout 60m) >"$R/kb_stored_bench.txt"
  SOURCE=() # the data folder alone
  start "$W/stored" "$W/serve-stored1.log" READY_STORED1
  HP=$(curl -s "$URL/healthz" | $PY -c 'import json,sys; print(json.load(sys.stdin)["passages"])'); stop
  start "$W/stored" "$W/serve-stored2.log" READY_STORED2
  # The memory of a server that opened its catalog rather than building
  # its index in the same process: what a deployment runs most of the time.
  RSS_MAX=0; load "$R/kb_load_stored.txt"; stop
  echo "ready_stored $READY_STORED1 $READY_STORED2 $HP $RSS_MAX" >>"$R/kb_ready.txt"
fi
grep -o 'passages_per_s=[0-9]*' "$W/serve-build.log" | head -1 | cut -d= -f2 >"$R/kb_index_rate.txt" || true

# --- the reference
if [ "${SKIP_FTS:-0}" != 1 ]; then
  $PY "$HERE/scale_ref.py" index "$W/corpus.jsonl" --db "$W/fts.db" >"$R/fts_index.json"
  for run in 1 2; do
    $PY "$HERE/scale_ref.py" query --db "$W/fts.db" --mix "$W/mix.txt" >"$R/fts_query_$run.json"
  done
  for run in 1 2; do
    $PY "$HERE/scale_ref.py" load --db "$W/fts.db" --mix "$W/mix.txt" --clients 8 --seconds "$LOAD_SECONDS" --requests "$LOAD_REQUESTS" >"$R/fts_load_$run.json"
  done
fi

$PY "$HERE/scale_ref.py" summary --results "$R" --passages "$LINES" --mix "$W/mix.txt"
