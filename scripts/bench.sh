#!/usr/bin/env bash
# Measures secretsweep's throughput and peak memory.
#   scripts/bench.sh [DIR] [REPO]
# DIR (default: the CredData dev data in ../shared/bench) is scanned with `dir`;
# REPO, when given, with `history`, next to the floor of reading every blob once
# with `git cat-file --batch-all-objects --batch`.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-../shared/bench/creddata-dev/data}
repo=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/secretsweep" ./cmd/secretsweep
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(go version | awk '{print $3}')"

measure() { # label, then the command
  local label=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || [ $? -eq 1 ]
  read -r wall user sys rss < <(tail -1 "$tmp/time")
  local bytes
  bytes=$(grep -o '([0-9.]* [KMG]iB)' "$tmp/err" | head -1 | tr -d '()')
  printf '%-28s wall %6.2fs  cpu %6.2fs  peak RSS %5d MiB  scanned %s\n' "$label" "$wall" "$(awk -v a="$user" -v b="$sys" 'BEGIN{print a+b}')" $((rss / 1024)) "${bytes:-?}"
  tail -1 "$tmp/err" | sed 's/^/    /'
}

measure "dir (workers=all)" "$tmp/secretsweep" dir --format jsonl "$dir"
measure "dir (workers=1)" "$tmp/secretsweep" dir --workers 1 --format jsonl "$dir"
if [ -n "$repo" ]; then
  /usr/bin/time -f '%e' -o "$tmp/floor" git -C "$repo" cat-file --batch-all-objects --batch >/dev/null
  echo "floor: git cat-file read of all objects: $(cat "$tmp/floor")s"
  measure "history" "$tmp/secretsweep" history --format jsonl "$repo"
fi
