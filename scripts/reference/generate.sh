#!/usr/bin/env bash
# Regenerates every golden case file in data/reference/ with the real frameworks.
# Installs TensorFlow-cpu, Keras 3, PyTorch, torchvision, scikit-learn and imbalanced-learn from
# PyPI into a cached virtualenv (~/.cache/reweigh/ref-venv, about 2 minutes and 6 GB the first time).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${REWEIGH_REF_VENV:-$HOME/.cache/reweigh/ref-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q -r "$here/requirements.txt"
cd "$here"
export TF_CPP_MIN_LOG_LEVEL=3 PYTHONHASHSEED=0
for gen in gen_*.py; do
  echo "== $gen"
  "$venv/bin/python" "$gen" "$@"
done
