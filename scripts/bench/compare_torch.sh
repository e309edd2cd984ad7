#!/usr/bin/env bash
# Side-by-side timing of reweigh and PyTorch (CPU) on the README's performance workloads.
# Runs compare_torch.py in a virtualenv of its own with torch and numpy pinned in
# scripts/bench/requirements.txt (scripts/lib/venv.sh: ~/.cache/reweigh/bench-venv, override with
# REWEIGH_BENCH_VENV; installed the first time and whenever that file changes). Arguments go to
# compare_torch.py (--rounds, --reps, --threads, --only, --markdown).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib/venv.sh"
python="$(reweigh_venv "${REWEIGH_BENCH_VENV:-$HOME/.cache/reweigh/bench-venv}" "$here/requirements.txt")"
exec "$python" "$here/compare_torch.py" "$@"
