#!/usr/bin/env bash
# Counting the labels of one large Parquet file: `reweigh weights` (the command line, polars' lazy
# scan with the streaming engine) against polars in Python (lazy streaming and eager) and pandas,
# wall time and peak memory of each in a fresh process. Runs cli_counts.py in a virtualenv of its
# own with numpy, polars, pandas and pyarrow pinned in scripts/bench/cli_requirements.txt
# (scripts/lib/venv.sh: ~/.cache/reweigh/bench-cli-venv, or under REWEIGH_CACHE; installed the
# first time and whenever that file changes), after building the release binary of reweigh-cli.
# Arguments go to cli_counts.py (--rows, --classes, --seed, --repeats, --dir, --keep).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
source "$repo/scripts/lib/venv.sh"
python="$(reweigh_venv "${REWEIGH_CACHE:-$HOME/.cache/reweigh}/bench-cli-venv" "$repo/scripts/bench/cli_requirements.txt")"
(cd "$repo" && cargo build --release -p reweigh-cli)
exec "$python" "$here/cli_counts.py" --reweigh "$repo/target/release/reweigh" "$@"
