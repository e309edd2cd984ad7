#!/usr/bin/env bash
# Sets up Jupyter and the project kernel "Rust (reweigh)" (idempotent; safe to re-run).
#  1. a Python virtualenv with JupyterLab, nbclient/nbconvert and nbval (~40 s the first time);
#  2. evcxr_jupyter 0.22.0 via `cargo install --locked` (~8 min on 2 cores; skipped when present)
#     and the rust-src component its rust-analyzer wants;
#  3. a kernelspec "reweigh" whose start-up (init.evcxr) loads this checkout's `reweigh` crate by
#     absolute path with its prelude, turns on evcxr's dependency cache, and makes any panic or
#     failed assertion fail the cell (`:preserve_vars_on_panic 0`).
# Everything goes under ~/.cache/reweigh (override with REWEIGH_CACHE) and the user's Jupyter
# data dir, so a notebook opened from any working directory finds the crate.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${REWEIGH_CACHE:-$HOME/.cache/reweigh}"
venv="$cache/nb-venv"
mkdir -p "$cache"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check -r "$repo/notebooks/requirements.txt"

rustup component add rust-src >/dev/null 2>&1 || true
export PATH="$HOME/.cargo/bin:$PATH"
if ! evcxr_jupyter --version 2>/dev/null | grep -q "0.22.0"; then
  cargo install --locked evcxr_jupyter@0.22.0
fi
evcxr="$(command -v evcxr_jupyter)"

config="$cache/evcxr-config"
mkdir -p "$config" "$cache/evcxr-build"
cat > "$config/init.evcxr" <<INIT
:cache 2000
:opt 0
:preserve_vars_on_panic 0
:dep reweigh = { path = "$repo" }
use reweigh::prelude::*;
INIT

kdir="$("$venv/bin/jupyter" --data-dir)/kernels/reweigh"
mkdir -p "$kdir"
cat > "$kdir/kernel.json" <<KERNEL
{
  "argv": ["$evcxr", "--control_file", "{connection_file}"],
  "display_name": "Rust (reweigh)",
  "language": "rust",
  "interrupt_mode": "message",
  "env": {
    "EVCXR_CONFIG_DIR": "$config",
    "EVCXR_TMPDIR": "$cache/evcxr-build"
  }
}
KERNEL
echo "kernel 'reweigh' installed in $kdir (crate: $repo)"
