#!/usr/bin/env bash
# Measures secretsweep's throughput, CPU time and peak memory.
#
#   scripts/bench.sh [REPO]          history scan of REPO (a git repository)
#   scripts/bench.sh DIR [REPO]      also a `dir` scan of DIR (the old form)
#
# Without REPO (and without $BENCH_REPO) a medium repository is generated
# into a temporary directory with internal/benchrepo (BENCH_COMMITS=3000
# commits, BENCH_BYTES=80MB of blobs, BENCH_SEED=1) and removed afterwards.
# For REPO the script reports, in one run:
#   - the repository: commits, unique blobs and their bytes, pack size;
#   - the floors: `git cat-file --batch-all-objects --batch` and go-git's own
#     read of every blob (gitwalk.Open, Walk, ReadBlobs, discarded), with
#     secretsweep's time as a ratio of each;
#   - `secretsweep history` with all workers and with --workers 1: wall time,
#     CPU time, peak RSS, blobs and bytes scanned;
#   - start-up (rule loading): `secretsweep stdin --path x.py </dev/null`;
#   - --cache: on a clone of REPO, a sweep that fills the cache, three new
#     commits, then the repeat sweep and an uncached one (ratio, and the same
#     report, suppressed findings included);
#   - recall: when REPO has a planted.json (made by internal/benchrepo),
#     whether every planted secret is reported at its commit and path.
# The `dir` scan of the CredData dev data (../shared/bench/creddata-dev/data,
# or DIR, or $BENCH_DIR) runs when that directory exists.
#
# Environment:
#   BENCH_REPO=PATH     repository to use when no REPO argument is given
#   BENCH_COMMITS, BENCH_BYTES, BENCH_SEED   size of the generated repository
#   BENCH_RUNS=N        run each timed command N times and keep the fastest (default 1)
#   BENCH_PROFILE=FILE  also write a CPU profile of the history pipeline
#                       (benchtool scan) to FILE and print its top functions
#   BENCH_NO_DIR=1      skip the dir scan
#   BENCH_NO_CACHE=1    skip the incremental (--cache) measurement
#   BENCH_TIME=go       time with `benchtool run` (getrusage) even where
#                       /usr/bin/time exists (it is the fallback without it)
# Other jobs on the machine inflate wall times: compare CPU times, and look
# at the load average printed at the start and the end.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${BENCH_DIR:-../shared/bench/creddata-dev/data}
repo=${BENCH_REPO:-}
is_repo() { [ -d "$1/.git" ] || { [ -f "$1/HEAD" ] && [ -d "$1/objects" ]; }; }
case $# in
  0) ;;
  1) if is_repo "$1"; then repo=$1; else dir=$1; fi ;;
  2) dir=$1; repo=$2 ;;
  *) echo "usage: scripts/bench.sh [REPO] | scripts/bench.sh DIR [REPO]" >&2; exit 2 ;;
esac
runs=${BENCH_RUNS:-1}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/secretsweep" ./cmd/secretsweep
go build -o "$tmp/benchtool" ./internal/benchrepo/benchtool

cpu_model=$(awk -F': *' '/^model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
echo "machine: $(nproc) cores ($cpu_model), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(go version | awk '{print $3}'), git $(git version | awk '{print $3}')"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other jobs inflate wall times; CPU times are comparable)"

# timed OUTFILE CMD...: runs CMD with stdout to /dev/null and stderr to
# $tmp/err, and writes "wall user sys maxrss_kib" to OUTFILE; the exit
# status 1 (findings) counts as success.
if [ -x /usr/bin/time ] && [ "${BENCH_TIME:-}" != go ]; then
  timed() { local o=$1; shift; /usr/bin/time -f '%e %U %S %M' -o "$o" "$@" >/dev/null 2>"$tmp/err" || [ $? -eq 1 ]; }
else
  timed() { local o=$1; shift; "$tmp/benchtool" run -o "$o" -- "$@" >/dev/null 2>"$tmp/err" || [ $? -eq 1 ]; }
fi

# measure LABEL CMD...: best of $runs; sets W (wall), C (cpu), R (RSS MiB)
# and prints a line, with the summary line secretsweep writes on stderr.
measure() {
  local label=$1; shift
  local best="" wall user sys rss
  for _ in $(seq "$runs"); do
    timed "$tmp/time" "$@"
    read -r wall user sys rss < <(tail -1 "$tmp/time")
    if [ -z "$best" ] || awk -v a="$wall" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then
      best="$wall $user $sys $rss"
      cp "$tmp/err" "$tmp/err.best"
    fi
  done
  read -r wall user sys rss <<<"$best"
  W=$wall
  C=$(awk -v a="$user" -v b="$sys" 'BEGIN{printf "%.2f", a+b}')
  R=$((rss / 1024))
  local bytes
  bytes=$(grep -o 'scanned [0-9]* blobs ([0-9.]* [KMG]*i*B)' "$tmp/err.best" | head -1 | sed 's/scanned //' || true)
  printf '%-34s wall %7.2fs  cpu %7.2fs  peak RSS %5d MiB  %s\n' "$label" "$W" "$C" "$R" "${bytes:-}"
  grep -E '^scanned|^go-git|^planted' "$tmp/err.best" | tail -3 | sed 's/^/    /' || true
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.1fx", a/b; else print "n/a" }'; }

if [ -z "${BENCH_NO_DIR:-}" ] && [ -d "$dir" ]; then
  echo
  echo "== dir scan of $dir"
  measure "dir (workers=all)" "$tmp/secretsweep" dir --format jsonl "$dir"
  measure "dir (workers=1)" "$tmp/secretsweep" dir --workers 1 --format jsonl "$dir"
fi

echo
echo "== start-up (config and rule loading; rules compile lazily)"
: >"$tmp/empty"
best=""
for _ in 1 2 3 4 5; do
  timed "$tmp/time" sh -c "exec \"$tmp/secretsweep\" stdin --path x.py <\"$tmp/empty\""
  read -r wall user sys rss < <(tail -1 "$tmp/time")
  if [ -z "$best" ] || awk -v a="$wall" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then best="$wall $user $sys $rss"; fi
done
read -r wall user sys rss <<<"$best"
printf '%-34s wall %7.2fs  cpu %7.2fs  peak RSS %5d MiB  (best of 5)\n' "stdin </dev/null" "$wall" "$(awk -v a="$user" -v b="$sys" 'BEGIN{print a+b}')" $((rss / 1024))
"$tmp/benchtool" compile | sed 's/^/    /'

if [ -z "$repo" ]; then
  repo="$tmp/repo"
  echo
  echo "== generating a repository: ${BENCH_COMMITS:-3000} commits, ${BENCH_BYTES:-80MB} of blobs, seed ${BENCH_SEED:-1}"
  go run ./internal/benchrepo -q -out "$repo" -commits "${BENCH_COMMITS:-3000}" -target-bytes "${BENCH_BYTES:-80MB}" -seed "${BENCH_SEED:-1}"
fi

echo
echo "== repository $repo"
git -C "$repo" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
  awk '$1=="blob"{n++; b+=$2} END{printf "blobs: %d, %.1f MiB (%d bytes) of blob content\n", n, b/1048576, b}'
echo "commits: $(git -C "$repo" rev-list --all --count), refs: $(git -C "$repo" for-each-ref | wc -l), objects: $(du -sh "$(git -C "$repo" rev-parse --absolute-git-dir)/objects" | cut -f1)"
[ -f "$repo/benchrepo.json" ] && echo "generated by internal/benchrepo: $(tr -d ' \n' <"$repo/benchrepo.json" | grep -o '"seed":[0-9]*,"commits":[0-9]*,"merges":[0-9]*' | tr '"' ' ')"

echo
echo "== floors"
measure "git cat-file --batch-all-objects" git -C "$repo" cat-file --batch-all-objects --batch
fw=$W fc=$C
measure "go-git read (benchtool readall)" sh -c "exec \"$tmp/benchtool\" readall \"$repo\" >&2"
gw=$W gc=$C

echo
echo "== secretsweep history"
report="$tmp/report.jsonl"
show=()
[ -f "$repo/planted.json" ] && show=(--show-secrets) # fake secrets only: compare values too
measure "history (workers=all)" "$tmp/secretsweep" history --format jsonl "${show[@]}" --output "$report" "$repo"
hw=$W hc=$C
measure "history (workers=1)" "$tmp/secretsweep" history --workers 1 --format jsonl --output "$tmp/report1.jsonl" "$repo"
h1w=$W h1c=$C
echo "history (all) / git cat-file:  wall $(ratio "$hw" "$fw"), cpu $(ratio "$hc" "$fc")"
echo "history (all) / go-git read:   wall $(ratio "$hw" "$gw"), cpu $(ratio "$hc" "$gc")"
echo "history workers=1 / all:       wall $(ratio "$h1w" "$hw"), cpu $(ratio "$h1c" "$hc")"

if [ -z "${BENCH_NO_CACHE:-}" ]; then
  echo
  echo "== incremental sweep: --cache on a clone, then three new commits"
  clone="$tmp/clone"
  git clone -q --no-checkout "$repo" "$clone"
  cache="$tmp/cache"
  # Every timed run starts from the same cache: empty to fill it, then as
  # the filling left it for the repeat.
  ss="$tmp/secretsweep"
  measure "history --cache (filling it)" sh -c 'rm -rf "$1" && exec "$2" history --format jsonl --cache "$1" "$3"' sh "$cache" "$ss" "$clone"
  cp -a "$cache" "$cache.filled"
  export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
  for i in 1 2 3; do # commits made without a work tree, dated now
    blob=$(printf 'db_password = "Xk8mQ2vL9pzR%d"\n' "$i" | git -C "$clone" hash-object -w --stdin)
    tree=$({ git -C "$clone" ls-tree HEAD; printf '100644 blob %s\tbench_new_%d.py\n' "$blob" "$i"; } | git -C "$clone" mktree)
    commit=$(git -C "$clone" commit-tree "$tree" -p HEAD -m "bench commit $i")
    git -C "$clone" update-ref HEAD "$commit"
  done
  measure "history --cache (repeat, 3 new)" sh -c 'rm -rf "$1" && cp -a "$1.filled" "$1" && exec "$2" history --format jsonl --show-suppressed --output "$4" --cache "$1" "$3"' sh "$cache" "$ss" "$clone" "$tmp/cached.jsonl"
  cw=$W cc=$C
  measure "history, no cache (same clone)" "$tmp/secretsweep" history --format jsonl --show-suppressed --output "$tmp/uncached.jsonl" "$clone"
  echo "no cache / repeat with cache:  wall $(ratio "$W" "$cw"), cpu $(ratio "$C" "$cc")"
  if cmp -s "$tmp/cached.jsonl" "$tmp/uncached.jsonl"; then
    echo "the two reports are identical"
  else
    echo "CACHED REPORT DIFFERS"
  fi
fi

if [ -f "$repo/planted.json" ]; then
  echo
  echo "== recall of planted secrets"
  "$tmp/benchtool" recall -planted "$repo/planted.json" "$report" || echo "RECALL CHECK FAILED"
fi

if [ -n "${BENCH_PROFILE:-}" ]; then
  echo
  echo "== CPU profile of the history pipeline (benchtool scan) -> $BENCH_PROFILE"
  "$tmp/benchtool" scan -cpuprofile "$BENCH_PROFILE" "$repo"
  go tool pprof -top -nodecount=30 "$tmp/benchtool" "$BENCH_PROFILE" 2>/dev/null | sed -n '1,40p'
fi

echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
