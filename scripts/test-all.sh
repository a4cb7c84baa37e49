#!/usr/bin/env bash
# `npm test`: every check and suite, then one line "N passed, N failed" summing them all.
# Typecheck and lint count as one check each; unit tests once; integration tests on the embedded database
# AND on the PostgreSQL server; browser tests in Debian's Chromium.
set -u
cd "$(dirname "$0")/.."
results=.cache/results
rm -rf "$results" && mkdir -p "$results"
checks_passed=0
checks_failed=0

check() {
  local name=$1; shift
  echo "== $name"
  if "$@"; then checks_passed=$((checks_passed + 1)); else checks_failed=$((checks_failed + 1)); echo "!! $name failed"; fi
}

suite() {
  local name=$1; shift
  echo "== $name"
  "$@" --reporter=default --reporter=json --outputFile="$results/$name.json" || echo "!! $name had failures"
}

bash scripts/ensure-services.sh || echo "!! services could not be started"
check typecheck npx tsc --noEmit
check lint npx eslint . --max-warnings=0
check build npx remix build
suite unit npx vitest run tests/unit
TEST_DB=pglite suite integration-pglite npx vitest run tests/integration
TEST_DB=postgres suite integration-postgres npx vitest run tests/integration
suite e2e npx vitest run tests/e2e --no-file-parallelism

node scripts/sum-results.mjs "$results" "$checks_passed" "$checks_failed"
