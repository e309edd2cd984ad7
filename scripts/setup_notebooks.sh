#!/usr/bin/env bash
# Sets up Jupyter and the project kernel "Rust (reweigh)". Idempotent: each step is skipped when
# it is already done, so scripts/test.sh runs it every time.
#  1. a Python virtualenv with JupyterLab, nbclient/nbconvert, nbval and pytest, pinned in
#     notebooks/requirements.txt (reinstalled only when that file changes; scripts/lib/venv.sh);
#  2. the rust-src component (evcxr's rust-analyzer wants it and would otherwise install it
#     itself at kernel start) and evcxr_jupyter 0.22.0 via `cargo install --locked` (1167 s of
#     CPU time on 2 cores, 12 to 16 min; skipped when `cargo install --list` already has it).
#     A lighter build (opt-level 1, 256 codegen units) took 897 s but ran the notebooks 3 to 15 %
#     slower (evcxr's rust-analyzer types every cell), so the release profile stays;
#  3. a kernelspec "reweigh" ("Rust (reweigh)") whose start-up file init.evcxr
#       - makes any panic or failed assertion fail the cell (`:preserve_vars_on_panic 0`; by
#         default evcxr only prints the panic and the cell "passes"),
#       - turns on evcxr's dependency cache (`:cache 2000`, MiB) and `:opt 0` (cells compile
#         faster; reweigh and its numeric dependencies are optimised by a cargo config file),
#       - loads this checkout's crates by absolute path: the core `reweigh` (without its optional
#         `polars` feature: a notebook that shows DataFrames adds `:dep reweigh = { path = "..",
#         features = ["polars"] }`), the trainer `reweigh-train` and the suite's
#         `reweigh-ledger` (claims, ports of the threads' code, display), and
#         `use reweigh::prelude::*;`,
#     and whose launcher gives each running kernel a build folder of its own that outlives it
#     (EVCXR_TMPDIR), so the next kernel re-uses the compiled crates.
# Everything goes under ~/.cache/reweigh (override with REWEIGH_CACHE) and the user's Jupyter data
# directory, so a notebook opened from any working directory finds the crate. Running this script
# from another checkout points the kernel at that checkout.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${REWEIGH_CACHE:-$HOME/.cache/reweigh}"
venv="$cache/nb-venv"
mkdir -p "$cache"
export PATH="$HOME/.cargo/bin:$PATH"

# 1. Python side (scripts/lib/venv.sh: venv or virtualenv, reinstalled when the file changes)
source "$repo/scripts/lib/venv.sh"
reweigh_venv "$venv" "$repo/notebooks/requirements.txt" > /dev/null

# 2. Rust side
if ! rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
  rustup component add rust-src || echo "warning: rust-src not installed (evcxr's completions want it)" >&2
fi
if ! cargo install --list | grep -q '^evcxr_jupyter v0\.22\.0:'; then
  cargo install --locked evcxr_jupyter@0.22.0
fi
evcxr="$(command -v evcxr_jupyter)"

# 3. Kernel
config="$cache/evcxr-config"
builds="$cache/evcxr-build"
mkdir -p "$config" "$builds"
cat > "$config/init.evcxr" <<INIT
:preserve_vars_on_panic 0
:cache 2000
:opt 0
:dep reweigh = { path = "$repo" }
:dep reweigh-train = { path = "$repo/crates/reweigh-train" }
:dep reweigh-ledger = { path = "$repo/crates/reweigh-ledger" }
use reweigh::prelude::*;
INIT

# Cells compile at opt-level 0 (`:opt 0`: quick to build), but reweigh and its numeric
# dependencies are optimised: at opt-level 0 the breast-cancer study of thread 003 takes 20 s per
# cell instead of 1 s. Cargo reads this file for builds in any folder below $builds; polars stays
# at 0 (at 2 it takes three times as long to build).
mkdir -p "$builds/.cargo"
{
  echo "# Written by scripts/setup_notebooks.sh: optimise reweigh and its numeric dependencies"
  echo "# in the evcxr build folders below this one."
  for package in reweigh reweigh-train reweigh-ledger ndarray matrixmultiply num-traits rand rand_chacha rand_core; do
    printf '[profile.dev.package.%s]\nopt-level = 2\n' "$package"
  done
} > "$builds/.cargo/config.toml"

launcher="$cache/evcxr-kernel.sh"
cat > "$launcher" <<LAUNCH
#!/usr/bin/env bash
# Starts evcxr_jupyter (written by scripts/setup_notebooks.sh). Two kernels sharing a build folder
# would overwrite each other's generated code, so each takes the first free folder of
# $builds/{0..7}, holding a lock on it while it runs; sequential kernels re-use folder 0 and so
# its compiled crates.
export EVCXR_CONFIG_DIR="$config"
export PATH="\$HOME/.cargo/bin:\$PATH"
# The compiled cells link to the toolchain's libstd through an rpath that cargo computes for
# target/<host>/debug/deps/ while evcxr loads the copy one folder up; when the build folder and
# the toolchain share a parent below / (e.g. both under \$HOME) the rpath misses by one level and
# every cell fails with "dlopen failed". Naming the folder explicitly fixes that.
sysroot="\$(rustc --print sysroot)"
host="\$(rustc -vV | sed -n 's/^host: //p')"
export LD_LIBRARY_PATH="\$sysroot/lib/rustlib/\$host/lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
if command -v flock >/dev/null; then
  for i in 0 1 2 3 4 5 6 7; do
    exec 9>>"$builds/\$i.lock"
    if flock -n 9; then
      mkdir -p "$builds/\$i"
      export EVCXR_TMPDIR="$builds/\$i"
      exec "$evcxr" "\$@"
    fi
    exec 9>&-
  done
fi
exec "$evcxr" "\$@"
LAUNCH
chmod +x "$launcher"

kdir="$("$venv/bin/jupyter" --data-dir)/kernels/reweigh"
mkdir -p "$kdir"
cat > "$kdir/kernel.json" <<KERNEL
{
  "argv": ["$launcher", "--control_file", "{connection_file}"],
  "display_name": "Rust (reweigh)",
  "language": "rust",
  "interrupt_mode": "message"
}
KERNEL
echo "kernel 'reweigh' installed in $kdir (crate: $repo)"
