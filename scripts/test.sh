#!/usr/bin/env bash
# The README's test command. Runs, failing on the first error:
#  1. scripts/setup_notebooks.sh (idempotent: Jupyter venv, evcxr_jupyter, kernelspec "reweigh");
#  2. the core alone, as a user of the library builds it: `cargo test -p reweigh
#     --no-default-features` (unit, golden, snapshot and doc tests; none of the suite's
#     dependencies), then the core's property suite in release mode (tests/properties: random
#     shapes, layouts, extreme and non-finite values over every loss, scheme, sample-weight
#     function, resampler and metric; it prints each property's case count and the total), then
#     the whole workspace but the command line with the polars features (the suite's crates,
#     DataFrames), then the command line's tests in release (`reweigh weights` run for real on
#     files the tests write; the README's command-line examples);
#  3. every notebook in notebooks/, headless, through Jupyter with the project kernel:
#     `pytest --nbval` fails on any cell error, panic or failed assertion, on a kernel death, on
#     any output that differs from the output stored in the .ipynb, and (notebooks/conftest.py)
#     on a code cell whose stored output was never produced.
#
# `bash scripts/test.sh --refresh [notebook ...]` first re-executes the given notebooks (default:
# all) in place with nbconvert through the same kernel, storing fresh outputs, then tests.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
venv="${REWEIGH_CACHE:-$HOME/.cache/reweigh}/nb-venv"
start=$(date +%s)
stage() { echo "== [$(( $(date +%s) - start )) s] $*"; }

refresh=()
if [ "${1:-}" = "--refresh" ]; then
  shift
  if [ $# -gt 0 ]; then refresh=("$@"); else refresh=(notebooks/*.ipynb); fi
fi

stage "set-up: scripts/setup_notebooks.sh"
bash scripts/setup_notebooks.sh
stage "core alone: cargo test -p reweigh --no-default-features"
cargo test -p reweigh --no-default-features
stage "core properties: cargo test --release -p reweigh --no-default-features --test properties"
# four times each property's base count: about 450,000 cases in about 15 s
REWEIGH_PROPERTY_SCALE="${REWEIGH_PROPERTY_SCALE:-4}" \
  cargo test --release -p reweigh --no-default-features --test properties
stage "workspace: cargo test --workspace --exclude reweigh-cli --features reweigh/polars,reweigh-ledger/polars"
cargo test --workspace --exclude reweigh-cli --features reweigh/polars,reweigh-ledger/polars
stage "command line: cargo test --release -p reweigh-cli"
# in release: polars' query engine (the core's `polars-lazy`, ~250 crates) is built once, for
# these tests and the main job (`cargo run --release`) alike
cargo test --release -p reweigh-cli
for nb in "${refresh[@]}"; do
  stage "refresh $nb"
  "$venv/bin/jupyter" nbconvert --to notebook --execute --inplace \
    --ExecutePreprocessor.kernel_name=reweigh --ExecutePreprocessor.timeout=1800 \
    --ExecutePreprocessor.startup_timeout=600 --ExecutePreprocessor.record_timing=False "$nb"
done
stage "notebooks: pytest --nbval notebooks/ --nbval-kernel-name reweigh"
"$venv/bin/pytest" -p no:cacheprovider --nbval notebooks/ --nbval-kernel-name reweigh \
  --nbval-kernel-startup-timeout 600 --nbval-cell-timeout 1800
stage "all tests passed"
