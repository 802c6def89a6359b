#!/usr/bin/env bash
# Quality gate: starts the product on its embedded corpus and runs the
# shared evaluation scripts (search: evaluate.py; draft linking:
# link_score.py with its reference linker), failing when a figure falls
# below what the project has reached minus a small margin. Used by .ci/run;
# run it by hand after changing ranking, linking or term weighting.
#
#   scripts/quality.sh [path/to/shared/eval]
set -euo pipefail
cd "$(dirname "$0")/.."

EVAL=${1:-../shared/eval}
# Floors: the figures reached (README: 检索质量, 草稿关联) less a margin.
MIN_NDCG=0.94       # reached 0.952
MIN_PRECISION=0.93  # reached 1.00
MIN_RECALL=0.84     # reached 0.89
MAX_FP_NEG=1        # reached 0

if [ ! -f "$EVAL/evaluate.py" ] || [ ! -f "$EVAL/link_score.py" ]; then
  echo "quality: no evaluation scripts under $EVAL; skipped"
  exit 0
fi
PY=/usr/bin/python3
if ! "$PY" -c 'import jieba' 2>/dev/null; then
  echo "quality: python3-jieba missing (apt-get install -y python3-jieba)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/kb" .
port=$((20000 + RANDOM % 20000))
url="http://127.0.0.1:$port"
"$work/kb" serve --addr "127.0.0.1:$port" --data "$work/data" >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  if curl -fsS "$url/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$work/serve.log" >&2; exit 1; fi
  sleep 0.5
done

search=$("$PY" "$EVAL/evaluate.py" --url "$url")
echo "$search"
link=$("$PY" "$EVAL/link_score.py" --url "$url" --baseline)
echo "$link"

ndcg=$(echo "$search" | awk '$1 == "project" { for (i = 1; i <= NF; i++) if ($i == "nDCG@10") print $(i + 1) }')
read -r precision recall fpneg < <(echo "$link" | awk '$1 == "project" {
  for (i = 1; i <= NF; i++) { if ($i == "precision") p = $(i + 1); if ($i == "recall") r = $(i + 1); if ($i == "fp_neg") f = $(i + 1) }
  print p, r, f }')
fail=0
check() { # name value op floor
  if ! awk -v v="$2" -v f="$4" -v op="$3" 'BEGIN { exit !((op == ">=" && v >= f) || (op == "<=" && v <= f)) }'; then
    echo "quality: $1 = $2, want $3 $4" >&2
    fail=1
  fi
}
check "search nDCG@10" "${ndcg:-0}" ">=" "$MIN_NDCG"
check "link precision" "${precision:-0}" ">=" "$MIN_PRECISION"
check "link recall" "${recall:-0}" ">=" "$MIN_RECALL"
check "link fp_neg" "${fpneg:-99}" "<=" "$MAX_FP_NEG"
echo "quality: search nDCG@10 $ndcg, link precision $precision recall $recall fp_neg $fpneg"
exit "$fail"
