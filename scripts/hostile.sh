#!/usr/bin/env bash
# Replays the hostile files of issue 12 against a running server and
# prints each answer (HTTP status and error code) and the server's peak
# resident memory (VmHWM) per phase:
#   0. (no server) each heavy PDF parsed 8 times at once in one process,
#      without the server's limit on concurrent parses (scripts/hostile -parse);
#   1. 8 concurrent heavy PDFs at /api/link and 8 at the upload endpoint
#      (the PDF of the issue: 5,000 pages drawing one content stream that
#      inflates to 16 MB of text), then the uploads' task results;
#   2. 8 concurrent heavy PDFs of path operators (no glyphs: CPU until the
#      content budget or the 10 s parse deadline) at /api/link;
#   3. the other hostile PDFs (zip bomb, allocation bombs, deep, wide and
#      nested trees) at /api/link, one by one;
#   4. a 45 MB .docx of text and a 45 MB .docx that is mostly a picture,
#      each uploaded to a freshly started server, with the task's result.
# The peak is reset before each phase (clear_refs), so each is the
# phase's own. Fails when an answer is a 5xx other than 503, the server
# dies, or phase 1 or 2 peaks at 1 GB or more.
#
#   scripts/hostile.sh                 # port 18531
#   HOSTILE_PORT=18532 scripts/hostile.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${HOSTILE_PORT:-18531}
BASE="http://127.0.0.1:$PORT"
TOKEN=hostile-token
LIMIT_MB=1024
work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== 构建 kb；生成恶意文件，并在进程内同时解析 8 份重型 PDF（0）"
nice go build -o "$work/kb" .
nice go run ./scripts/hostile -out "$work/files" -parse 8
F="$work/files"

start_server() {
  nice "$work/kb" serve --addr "127.0.0.1:$PORT" --data "$work/data" --admin-token "$TOKEN" --log-level warn 2>>"$work/serve.log" &
  pid=$!
  for _ in $(seq 1 1200); do
    if curl -fsS "$BASE/healthz" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "服务启动失败；日志：" >&2; tail -20 "$work/serve.log" >&2; exit 1; fi
    sleep 0.1
  done
  echo "服务未就绪" >&2
  exit 1
}
# A fresh process, so that a phase's peak is not memory the runtime kept
# from the phases before.
restart_server() {
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  start_server
}
start_server

mb() { awk -v k="$1:" '$1 == k {print int($2 / 1024)}' "/proc/$pid/status"; }
reset_peak() { echo 5 >"/proc/$pid/clear_refs"; }
failed=0
check_status() { # status: a 5xx other than 503 fails the run
  if [ "$1" -ge 500 ] && [ "$1" != 503 ]; then failed=1; fi
}
alive() {
  if ! kill -0 "$pid" 2>/dev/null || ! curl -fsS "$BASE/healthz" >/dev/null 2>&1; then
    echo "服务已退出或不再应答；日志：" >&2; tail -20 "$work/serve.log" >&2; exit 1
  fi
}
phase_peak() { # name [limit in MB]
  local peak
  peak=$(mb VmHWM)
  printf '   %s：峰值常驻内存 %d MB（当前 %d MB）\n' "$1" "$peak" "$(mb VmRSS)"
  echo "$1	$peak" >>"$work/peaks"
  if [ -n "${2:-}" ] && [ "$peak" -ge "$2" ]; then echo "   超过 $2 MB" >&2; failed=1; fi
}

elapsed() { awk -v ns=$(($(date +%s%N) - start)) 'BEGIN {printf "   用时 %.1f 秒\n", ns / 1e9}'; }

# link file → writes "status code" to out
link() { # file out
  local s
  s=$(curl -s -o "$2.body" -w '%{http_code}' -F "file=@$1" "$BASE/api/link" || echo 000)
  echo "$s $(jq -r '.code // "-"' "$2.body" 2>/dev/null || echo -)" >"$2"
}
upload() { # file out
  local s
  s=$(curl -s -o "$2.body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -F "file=@$1" "$BASE/api/documents" || echo 000)
  echo "$s $(jq -r '.code // (.id | tostring) // "-"' "$2.body" 2>/dev/null || echo -)" >"$2"
}
wait_tasks() { # seconds
  for _ in $(seq 1 $(($1 * 5))); do
    busy=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/api/tasks?limit=100" |
      jq '[.tasks[] | select(.status == "queued" or .status == "processing")] | length')
    [ "$busy" = 0 ] && return 0
    sleep 0.2
  done
  echo "任务在 $1 秒内未完成" >&2
  failed=1
}
task_results() { # prints each file of each task after the given id
  curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/api/tasks?limit=100" |
    jq -r --argjson after "$1" '.tasks[] | select(.id > $after) | .files[] |
      "   任务文件 \(.name)：\(.status) \(.code // "-") \(.passages // 0) 个文段"' | sort | uniq -c
}
last_task() {
  curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/api/tasks?limit=1" | jq '[.tasks[].id] | max // 0'
}

printf '服务已就绪（PID %d）：常驻内存 %d MB，峰值 %d MB\n' "$pid" "$(mb VmRSS)" "$(mb VmHWM)"

echo "== 1. 8 个重型 PDF 同时提交到 /api/link，另 8 个同时上传（$(stat -c %s "$F/heavy-text.pdf") 字节，5000 页共用一个解压后 16 MB 的文字数据流）"
reset_peak
before=$(last_task)
start=$(date +%s%N)
pids=()
for i in $(seq 1 8); do
  link "$F/heavy-text.pdf" "$work/l$i" &
  pids+=($!)
  upload "$F/heavy-text.pdf" "$work/u$i" &
  pids+=($!)
done
wait "${pids[@]}"
elapsed
for i in $(seq 1 8); do
  read -r s c <"$work/l$i"; check_status "$s"; echo "   关联 #$i：$s $c"
done
for i in $(seq 1 8); do
  read -r s c <"$work/u$i"; check_status "$s"; echo "   上传 #$i：$s $c"
done
wait_tasks 300
task_results "$before"
alive
phase_peak "8 个重型 PDF（关联 + 上传）" "$LIMIT_MB"

echo "== 2. 8 个只含路径操作符的重型 PDF 同时提交到 /api/link"
reset_peak
start=$(date +%s%N)
pids=()
for i in $(seq 1 8); do
  link "$F/heavy-paths.pdf" "$work/p$i" &
  pids+=($!)
done
wait "${pids[@]}"
elapsed
for i in $(seq 1 8); do
  read -r s c <"$work/p$i"; check_status "$s"; echo "   关联 #$i：$s $c"
done
alive
phase_peak "8 个路径操作符 PDF（关联）" "$LIMIT_MB"

echo "== 3. 其他恶意 PDF，逐个提交到 /api/link"
reset_peak
for f in bomb-1g predictor-columns xref-subsection xref-size xref-width deep-tree wide-tree nested-arrays; do
  link "$F/$f.pdf" "$work/o"
  read -r s c <"$work/o"; check_status "$s"
  printf '   %-22s %s %s\n' "$f.pdf" "$s" "$c"
  alive
done
phase_peak "其他恶意 PDF"

echo "== 4. 45 MB 的 .docx，各在新启动的服务上上传并等待收录结果"
for f in large-text-45m large-media-45m; do
  restart_server
  printf '   新启动的服务：常驻内存 %d MB\n' "$(mb VmRSS)"
  reset_peak
  before=$(last_task)
  upload "$F/$f.docx" "$work/d"
  read -r s c <"$work/d"; check_status "$s"
  echo "   上传 $f.docx（$(stat -c %s "$F/$f.docx") 字节）：$s $c"
  wait_tasks 600
  task_results "$before"
  alive
  phase_peak "$f.docx"
done

echo "== 汇总（各阶段的峰值常驻内存，MB）"
column -t -s '	' "$work/peaks"
if [ "$failed" != 0 ]; then echo "有失败项（见上）" >&2; exit 1; fi
echo "全部通过：没有 5xx（503 除外），服务始终应答，重型 PDF 阶段峰值低于 $LIMIT_MB MB"
