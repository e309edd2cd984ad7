#!/usr/bin/env bash
# Regenerates every golden case file in data/reference/ with the real frameworks: runs every
# generator scripts/reference/gen_*.py (gen_class_balanced.py writes class_balanced.json and
# class_balanced_softmax.json, each other gen_<x>.py one file) and fails if a case file in
# data/reference/ was not rewritten.
# The frameworks (TensorFlow-cpu, Keras 3, PyTorch, torchvision, scikit-learn, SciPy,
# imbalanced-learn) are pinned in scripts/reference/requirements.txt and installed from PyPI into
# a cached virtualenv by scripts/lib/venv.sh (~/.cache/reweigh/ref-venv, override with
# REWEIGH_REF_VENV; about 2 minutes and 6 GB the first time, nothing once the file is unchanged).
#
# `bash scripts/reference/generate.sh --venv-only` only makes that virtualenv and prints its
# python: the other scripts that run in it (scripts/ledger/gen_reference.py,
# scripts/keras_experiment/run_experiment.py, scripts/data/export_breast_cancer.py) are run by
# hand and are not part of this regeneration.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib/venv.sh"
python="$(reweigh_venv "${REWEIGH_REF_VENV:-$HOME/.cache/reweigh/ref-venv}" "$here/requirements.txt")"
if [ "${1:-}" = "--venv-only" ]; then
  echo "$python"
  exit 0
fi
out="$(cd "$here/../../data/reference" && pwd)"
cd "$here"
export TF_CPP_MIN_LOG_LEVEL=3 PYTHONHASHSEED=0
start="$(mktemp)"
trap 'rm -f "$start"' EXIT
for gen in gen_*.py; do
  echo "== $gen"
  "$python" "$gen" "$@"
done
stale="$(find "$out" -maxdepth 1 -name '*.json' ! -newer "$start")"
if [ -n "$stale" ]; then
  echo "not rewritten by any generator:" $stale >&2
  exit 1
fi
