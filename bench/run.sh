#!/usr/bin/env bash
# Speed and memory benchmark: generates a large synthetic Dutch corpus and
# reports MB/s, articles/s and peak RSS for
#   (a) tokenise only (our floor), 1 and 2 workers, and on one core; and on
#       one core the floor plus the peer's algorithm in Go (a map
#       lookup per token and a sum): the least a scorer on our tokens adds
#   (b) the full `marktstem score` run, 1 and 2 workers, and on one core
#       (GOMAXPROCS=1: one worker alone still leaves the reader, the writer
#       and the GC to a second core)
#   (c) the peer: npm natural's Dutch SentimentAnalyzer (pattern vocabulary),
#       without and with its Dutch stemmer (single-threaded, as node runs it)
# and the ratios between them. Usage:
#   bash bench/run.sh [SIZE]          # default 500MB; e.g. 100MB for a quick look
#   PEER_SIZE=50MB bash bench/run.sh  # the stemmed peer is slow: it reads a prefix
#   PAIRS=3 bash bench/run.sh         # interleaved rounds for the per-core ratio and the scaling (below)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-500MB}
PEER_SIZE=${PEER_SIZE:-50MB}
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
echo "== corpus: $SIZE in $work (cpu: $(nproc) cores; $(go version | cut -d' ' -f3))"
go build -o "$work/marktstem" ./cmd/marktstem
go build -o "$work/floor" ./bench/floor
go build -o "$work/measure" ./bench/measure
go build -o "$work/gen" ./bench/gen
corpus="$work/corpus-$SIZE.jsonl"
[ -s "$corpus" ] || "$work/gen" -size "$SIZE" -out "$corpus"
peer="$work/corpus-$PEER_SIZE.jsonl"
[ -s "$peer" ] || "$work/gen" -size "$PEER_SIZE" -out "$peer"
bytes=$(stat -L -c %s "$corpus")
(cd bench/peer && npm install --no-audit --no-fund --silent >/dev/null 2>&1)

# measure NAME CMD… → prints one result line; keeps wall time and RSS.
# CPU is user + system time of the process and its threads: with it, MB
# per CPU-second compares work per core whatever each program leaves to
# helper threads (node's GC, our reader and writer).
declare -A WALL RSS CPU
measure() {
  local name=$1; shift
  local stats
  stats=$("$work/measure" -- "$@" 2>&1 >/dev/null | tail -1)
  WALL[$name]=$(echo "$stats" | sed -E 's/.*"wall_s":([0-9.e+-]+).*/\1/')
  RSS[$name]=$(echo "$stats" | sed -E 's/.*"max_rss_kb":([0-9]+).*/\1/')
  CPU[$name]=$(echo "$stats" | awk '{
    u = $0; sub(/.*"user_s":/, "", u); sub(/[,}].*/, "", u)
    s = $0; sub(/.*"sys_s":/, "", s); sub(/[,}].*/, "", s)
    print u + s }')
}
measure floor1 "$work/floor" -workers 1 "$corpus"
measure floor2 "$work/floor" -workers 2 "$corpus"
measure floor_core1 env GOMAXPROCS=1 "$work/floor" -workers 1 "$corpus"
measure lookup_core1 env GOMAXPROCS=1 "$work/floor" -workers 1 -lookup "$corpus"
measure score1 "$work/marktstem" score --quiet --workers 1 --out "$work/out1" "$corpus"
measure score2 "$work/marktstem" score --quiet --workers 2 --out "$work/out2" "$corpus"
# Cores, not workers: with one worker the reader, the writer and the GC
# already use a second core. GOMAXPROCS=1 confines the whole run to one.
measure score_core1 env GOMAXPROCS=1 "$work/marktstem" score --quiet --workers 1 --out "$work/out3" "$corpus"
articles=$(wc -l < "$corpus")
export DOTENV_CONFIG_QUIET=true
peerbytes=$(stat -L -c %s "$peer")
measure natural node bench/peer/natural.mjs "$corpus"
measure natural_stem node bench/peer/natural.mjs "$peer" --stem
# A shared machine drifts by 10-20 % within minutes, and not by the same
# factor for every program, so one run of each says little about the
# per-core ratio to the peer or the scaling from one core to two. PAIRS
# interleaved rounds of the peer, our one-core run and our two-worker run
# (the runs above are the first; later rounds alternate the order) give
# both as medians.
PAIRS=${PAIRS:-3}
ratio() { awk -v n="$1" -v c="$2" 'BEGIN { printf "%.2f", n/c }'; }
median() { tr ' ' '\n' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
peer_run() { measure "natural_p$1" node bench/peer/natural.mjs "$corpus"; }
our_run() { measure "score_core1_p$1" env GOMAXPROCS=1 "$work/marktstem" score --quiet --workers 1 --out "$work/out3" "$corpus"; }
two_run() { measure "score2_p$1" "$work/marktstem" score --quiet --workers 2 --out "$work/out2" "$corpus"; }
ratios=$(ratio "${CPU[natural]}" "${CPU[score_core1]}")
scalings=$(ratio "${WALL[score_core1]}" "${WALL[score2]}")
for ((p = 2; p <= PAIRS; p++)); do
  if ((p % 2 == 0)); then our_run $p; two_run $p; peer_run $p; else peer_run $p; two_run $p; our_run $p; fi
  ratios="$ratios $(ratio "${CPU[natural_p$p]}" "${CPU[score_core1_p$p]}")"
  scalings="$scalings $(ratio "${WALL[score_core1_p$p]}" "${WALL[score2_p$p]}")"
done
median_ratio=$(echo "$ratios" | median)
median_scaling=$(echo "$scalings" | median)

row() { # name bytes articles
  awk -v n="$1" -v b="$2" -v a="$3" -v w="${WALL[$1]}" -v r="${RSS[$1]}" -v c="${CPU[$1]}" \
    'BEGIN { printf "%-28s %8.1f MB/s %10.0f articles/s %8.0f MB peak RSS %8.1f MB per CPU-s\n", n, b/w/1e6, a/w, r/1024, b/c/1e6 }'
}
echo
row floor1 "$bytes" "$articles"
row floor2 "$bytes" "$articles"
row floor_core1 "$bytes" "$articles"
row lookup_core1 "$bytes" "$articles"
row score1 "$bytes" "$articles"
row score2 "$bytes" "$articles"
row score_core1 "$bytes" "$articles"
row natural "$bytes" "$articles"
row natural_stem "$peerbytes" "$(wc -l < "$peer")"
echo
awk -v f1="${WALL[floor1]}" -v s1="${WALL[score1]}" -v s2="${WALL[score2]}" -v c1="${WALL[score_core1]}" -v fc1="${WALL[floor_core1]}" -v lc1="${WALL[lookup_core1]}" -v n="${WALL[natural]}" \
    -v ns="${WALL[natural_stem]}" -v b="$bytes" -v pb="$peerbytes" \
    -v cc1="${CPU[score_core1]}" -v cs1="${CPU[score1]}" -v cn="${CPU[natural]}" 'BEGIN {
  printf "score 2 workers vs 1:        %.2fx\n", s1/s2
  printf "score 2 cores vs 1 core:     %.2fx (GOMAXPROCS=1, 1 worker vs 2 cores, 2 workers)\n", c1/s2
  printf "score vs tokenise floor:     %.0f%% (1 worker); %.0f%% (one core each)\n", 100*f1/s1, 100*fc1/c1
  printf "floor + lookup vs floor:     %.0f%% (one core each: the nearest a scorer on our tokens can come)\n", 100*fc1/lc1
  printf "score per core:              %.1f MB/s\n", b/c1/1e6
  printf "score (1 worker) vs natural: %.2fx; vs natural+stemmer: %.2fx\n", (b/s1)/(b/n), (b/s1)/(pb/ns)
  # Issue 10 asks for 60 MB/s per core where natural does 40 MB/s: 1.5x
  # the work per core of the peer, a ratio that holds on any machine.
  printf "per CPU-second vs natural:   %.2fx on one core, %.2fx with 1 worker (goal 60 vs 40 MB/s: 1.50x)\n", cn/cc1, cn/cs1
}'
echo "per CPU-second vs natural, one core, $PAIRS interleaved rounds: $ratios; median ${median_ratio}x"
echo "score 2 cores vs 1 core, $PAIRS interleaved rounds: $scalings; median ${median_scaling}x (goal 1.8x)"
