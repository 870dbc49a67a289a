#!/usr/bin/env bash
# Runs every test marktstem has, installing what the tests need first.
# This is the README's second command; .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== go version: $(go version)"

# What the integration tests need: a real Prometheus, Pushgateway and promtool
# (Debian packages). Installed only when missing; sudo only when not root.
need_apt=()
command -v prometheus >/dev/null || need_apt+=(prometheus)
command -v promtool >/dev/null || need_apt+=(prometheus)
command -v prometheus-pushgateway >/dev/null || need_apt+=(prometheus-pushgateway)
if [ ${#need_apt[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "== apt-get install ${need_apt[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $(printf '%s\n' "${need_apt[@]}" | sort -u) >/dev/null
fi
# The interop tests' independent readers: apache-arrow (JS) reads the Arrow
# IPC files, DuckDB the Parquet files; pinned by test/interop/package-lock.json.
if ! command -v npm >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "== apt-get install nodejs npm"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
echo "== npm ci --prefix test/interop"
npm ci --prefix test/interop --no-audit --no-fund --loglevel=error >/dev/null
# Integration tests fail instead of skipping when a component is missing.
export CI=${CI:-true}
# Formatting and vet are part of the tests: CI fails on either.
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
go vet ./...
# staticcheck (pinned) finds what vet does not: unused code, needless checks.
staticcheck="go run honnef.co/go/tools/cmd/staticcheck@v0.8.2"
$staticcheck ./...

# Unit, golden, example and integration tests (fuzz targets run their seed corpora).
go test -count=1 ./...

# The Beam pipeline is a module of its own (beam/: Beam's dependency tree
# stays out of the main binary), so ./... above does not reach it. Its test
# runs the pipeline on Prism in process and checks it against a
# single-machine run; the first build downloads and compiles the Beam SDK
# (a few minutes), later ones hit Go's build cache.
echo "== beam (Apache Beam pipeline on Prism)"
(cd beam && go vet ./... && $staticcheck ./... && go test -count=1 ./...)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A short fuzzing pass over every parser.
FUZZTIME=${FUZZTIME:-5s}
for pkg in $(go list ./...); do
  for fz in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
    echo "== fuzz $pkg $fz ($FUZZTIME)"
    # Go's fuzzer sometimes ends a clean run with a bare "context deadline
    # exceeded" as the time runs out (no failing input): run that target
    # once more. A finding names its input and fails at once.
    if ! go test -run='^$' -fuzz="^${fz}\$" -fuzztime="$FUZZTIME" "$pkg" > "$tmp/fuzz.log" 2>&1; then
      if grep -q 'context deadline exceeded' "$tmp/fuzz.log" && ! grep -q 'Failing input' "$tmp/fuzz.log"; then
        echo "   (fuzzer stopped on its deadline without a finding; running $fz again)"
        go test -run='^$' -fuzz="^${fz}\$" -fuzztime="$FUZZTIME" "$pkg" > "$tmp/fuzz.log" 2>&1 || { cat "$tmp/fuzz.log"; exit 1; }
      else
        cat "$tmp/fuzz.log"; exit 1
      fi
    fi
  done
done

# The README's first command must work, on seeds/ and on the embedded copy.
go run ./cmd/marktstem score seeds/ --out "$tmp/out" --metrics-textfile "$tmp/marktstem.prom"
go run ./cmd/marktstem score --quiet --out "$tmp/out-embedded" > /dev/null
for f in articles.arrow mentions.arrow company_daily.arrow rejects.jsonl; do
  test -s "$tmp/out/$f" || test -f "$tmp/out/$f" || { echo "missing $f"; exit 1; }
done
# (Into a file, not a pipe to head: under pipefail an early-closing reader fails the step.)
go run ./cmd/marktstem cat --format csv "$tmp/out/company_daily.arrow" > "$tmp/company_daily.csv"
head -3 "$tmp/company_daily.csv"
# Parquet, hive-partitioned by date; cat reads Parquet too.
go run ./cmd/marktstem score --quiet --format parquet --partition date --out "$tmp/out-hive" seeds/ > /dev/null
ls "$tmp"/out-hive/company_daily/date=*/part-0.parquet > /dev/null
go run ./cmd/marktstem cat --schema "$tmp/out-hive/company_daily/date=2024-03-14/part-0.parquet" > "$tmp/schema.txt"
head -3 "$tmp/schema.txt"
grep -q '^marktstem_articles_scored_total' "$tmp/marktstem.prom"

# Notebooks: every notebooks/*.ipynb runs headlessly on a fresh score of seeds/; a failing cell
# fails. Needs Debian's jupyter, nbconvert, ipykernel, pandas and matplotlib for /usr/bin/python3,
# installed only when missing (sudo only when not root); under CI=true still missing = failure.
if ! /usr/bin/python3 -c 'import nbconvert, ipykernel, pandas, matplotlib' 2>/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "== apt-get install notebook packages"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      jupyter-nbconvert python3-nbconvert jupyter-client python3-ipykernel python3-pandas python3-matplotlib >/dev/null; } \
    || echo "apt-get install of the notebook packages failed"
fi
bash scripts/notebooks.sh
echo "== all tests passed"
