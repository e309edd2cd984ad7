# shellcheck shell=bash
# The one virtualenv helper of the scripts: `source "$repo/scripts/lib/venv.sh"`, then
#
#   python="$(reweigh_venv DIR REQUIREMENTS)"
#
# makes DIR a Python virtualenv with the pinned REQUIREMENTS installed and prints DIR/bin/python.
#  - DIR is created with `python3 -m venv`, or, where the system Python ships without the venv
#    module (or without ensurepip), with virtualenv from PyPI (`pip install --user virtualenv`).
#  - REQUIREMENTS is installed when DIR is new and again whenever the file's sha256 changes
#    (recorded in DIR/.requirements.sha256); otherwise nothing is installed.
# One environment, one requirements file: notebooks/requirements.txt (nb-venv),
# scripts/reference/requirements.txt (ref-venv), scripts/bench/requirements.txt (bench-venv),
# scripts/bench/cli_requirements.txt (bench-cli-venv).
# Progress and errors go to stderr; any failure returns 1 (explicitly: `set -e` does not reach
# into a command substitution).
reweigh_venv() {
  local venv="$1" requirements="$2" want stamp
  if [ $# -ne 2 ] || [ ! -f "$requirements" ]; then
    echo "usage: reweigh_venv DIR REQUIREMENTS (an existing file; got '$requirements')" >&2
    return 1
  fi
  want="$(sha256sum "$requirements" | cut -d' ' -f1)" || return 1
  stamp="$venv/.requirements.sha256"
  if [ ! -x "$venv/bin/python" ]; then
    mkdir -p "$(dirname "$venv")" || return 1
    if ! python3 -m venv "$venv" 2>/dev/null; then
      rm -rf "$venv"
      echo "reweigh_venv: python3 -m venv failed; using virtualenv from PyPI" >&2
      python3 -m pip install -q --user virtualenv >&2 || return 1
      python3 -m virtualenv -q "$venv" >&2 || return 1
    fi
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "reweigh_venv: installing $requirements into $venv" >&2
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements" >&2 \
      || return 1
    echo "$want" > "$stamp" || return 1
  fi
  printf '%s\n' "$venv/bin/python"
}
