#!/usr/bin/env bash
# Scores secretsweep on the CredData dev split in ../shared/bench and prints the
# scorer's table (overall, per file type, per category) and its summary line.
#   scripts/score.sh [BENCH_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${1:-../shared/bench}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go build -o "$out/secretsweep" ./cmd/secretsweep
# Exit 1 means findings, which is expected here; 2 is an error.
"$out/secretsweep" dir --format jsonl --output "$out/findings.jsonl" "$bench/creddata-dev/data" || [ $? -eq 1 ]
python3 "$bench/score.py" --findings "$out/findings.jsonl"
