#!/usr/bin/env bash
# Side-by-side timing of reweigh and PyTorch (CPU) on the README's performance workloads.
# Uses the reference virtualenv (~/.cache/reweigh/ref-venv, see scripts/reference/generate.sh)
# and installs torch from PyPI into it if it is missing. Arguments go to compare_torch.py
# (--rounds, --reps, --threads, --only, --markdown).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${REWEIGH_REF_VENV:-$HOME/.cache/reweigh/ref-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import torch" 2>/dev/null; then
  "$venv/bin/pip" install -q "torch==2.15.0" "numpy==2.4.6"
fi
exec "$venv/bin/python" "$here/compare_torch.py" "$@"
