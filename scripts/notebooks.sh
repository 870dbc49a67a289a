#!/usr/bin/env bash
# Executes every notebook in notebooks/ headlessly on a fresh `marktstem score seeds/` output;
# a cell that raises fails the script. scripts/test.sh calls it.
#
#   bash scripts/notebooks.sh            execute into a temp dir (the working tree stays clean)
#   bash scripts/notebooks.sh --inplace  re-execute and rewrite the committed notebooks' outputs
#
# Needs Debian's jupyter-nbconvert, python3-ipykernel, python3-pandas and python3-matplotlib for
# /usr/bin/python3 (override with NOTEBOOK_PYTHON). The validation notebook reads the labelled
# sets from ../shared/eval; with CI=true it fails when they are missing instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${NOTEBOOK_PYTHON:-/usr/bin/python3}
inplace=false
case "${1:-}" in
  --inplace) inplace=true ;;
  "") ;;
  *) echo "usage: $0 [--inplace]" >&2; exit 2 ;;
esac

if ! "$PY" -c 'import nbconvert, ipykernel, pandas, matplotlib' 2>/dev/null; then
  msg="$PY lacks nbconvert, ipykernel, pandas or matplotlib (Debian: jupyter-nbconvert python3-ipykernel python3-pandas python3-matplotlib)"
  if [ "${CI:-}" = true ]; then echo "notebooks: FAIL: $msg" >&2; exit 1; fi
  echo "notebooks: SKIP: $msg"; exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# $MARKTSTEM_BIN: use this binary instead of building one from the checkout.
bin=${MARKTSTEM_BIN:-$tmp/marktstem}
[ -n "${MARKTSTEM_BIN:-}" ] || go build -o "$bin" ./cmd/marktstem
# A fixed run time keeps the recorded metadata, and so the notebooks' outputs, reproducible.
"$bin" score --quiet --run-time 2024-06-01T00:00:00Z --out "$tmp/out" seeds/ >/dev/null

export MARKTSTEM_BIN="$bin" MARKTSTEM_OUT="$tmp/out"
export PYTHONDONTWRITEBYTECODE=1
export MPLCONFIGDIR="$tmp/mpl" PYDEVD_DISABLE_FILE_VALIDATION=1
# The labelled sets are not ours to ship: they sit in ../shared beside the checkout when this
# machine has them. Where they are present, CI requires the validation notebook to use them;
# where they are absent (e.g. a clone elsewhere) it reports SKIPPED, as the Go tests do.
if [ "${CI:-}" = true ] && [ -d "${MARKTSTEM_EVAL:-../shared/eval}" ]; then export MARKTSTEM_REQUIRE_EVAL=1; fi

args=(--to notebook --execute
      --ExecutePreprocessor.timeout=300
      --ExecutePreprocessor.kernel_name=python3
      --ExecutePreprocessor.record_timing=False)
n=0
for nb in notebooks/*.ipynb; do
  [ -e "$nb" ] || continue
  echo "== notebook $nb"
  if $inplace; then
    "$PY" -m jupyter nbconvert "${args[@]}" --inplace "$nb"
  else
    "$PY" -m jupyter nbconvert "${args[@]}" --output-dir "$tmp/executed" "$nb"
  fi
  n=$((n + 1))
done
[ "$n" -ge 3 ] || { echo "notebooks: expected at least 3 notebooks, found $n" >&2; exit 1; }
echo "== $n notebooks executed"
