#!/usr/bin/env bash
# `npm test`: every check and suite, then one line "N passed, N failed" summing them all.
# Typecheck and lint count as one check each; unit tests once; integration tests on the embedded database
# AND on the PostgreSQL server; browser tests in Debian's Chromium.
#
# Two lanes, so that both cores work: the embedded-database suite (PGlite runs inside the test process), then
# typecheck, beside the unit, PostgreSQL-server and browser suites, then lint. One after the other they took ~20
# minutes. Every suite still runs whole; only the order changes. The browser tests get 90 s a test (30 s
# elsewhere): they share the machine with the other lane.
set -u
cd "$(dirname "$0")/.."
results=.cache/results
rm -rf "$results" && mkdir -p "$results"

check() {
  local name=$1; shift
  echo "== $name (from ${SECONDS} s)"
  if "$@"; then touch "$results/check-$name.passed"; else touch "$results/check-$name.failed"; echo "!! $name failed"; fi
}

suite() {
  local name=$1; shift
  echo "== $name (from ${SECONDS} s)"
  "$@" --reporter=default --reporter=json --outputFile="$results/$name.json" || echo "!! $name had failures"
}

embedded_lane() {
  TEST_DB=pglite suite integration-pglite npx vitest run tests/integration
  check typecheck npx tsc --noEmit
  echo "== embedded lane done (at ${SECONDS} s)"
}

server_lane() {
  suite unit npx vitest run tests/unit
  TEST_DB=postgres suite integration-postgres npx vitest run tests/integration
  suite e2e npx vitest run tests/e2e --no-file-parallelism --testTimeout=90000
  # Lint here, typecheck in the other lane: with lint and typecheck both here this lane ended last, by ~1 minute
  # (789 s against 732, 2026-12-02).
  check lint npx eslint . --max-warnings=0
  echo "== server lane done (at ${SECONDS} s)"
}

bash scripts/ensure-services.sh || echo "!! services could not be started"
# The integration and browser suites start the app from the Remix build: it comes first.
check build npx remix build

# The embedded lane writes to a log, printed whole when it ends, so that the two lanes' lines do not interleave.
embedded_log="$results/embedded-lane.log"
embedded_lane >"$embedded_log" 2>&1 &
embedded=$!
server_lane
wait "$embedded"
cat "$embedded_log"

node scripts/sum-results.mjs "$results" "$(ls "$results" | grep -c '^check-.*\.passed$')" "$(ls "$results" | grep -c '^check-.*\.failed$')"
