#!/usr/bin/env bash
# Runs every fuzz target for a bounded time each (default 60s): the
# parsers of the formats users bring, the query parser and the linker.
# CI replays only the seed corpora (testdata/fuzz), as part of go test.
set -euo pipefail
cd "$(dirname "$0")/.."
per="${1:-60s}"
for pkg in ./ingest ./index; do
  for target in $(go test "$pkg" -list '^Fuzz' | grep '^Fuzz'); do
    echo "== $pkg $target ($per)"
    go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$per"
  done
done
