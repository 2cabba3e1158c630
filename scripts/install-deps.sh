#!/usr/bin/env bash
# Installs what the test tiers need, from the one list in
# Sources/GreenticTestKit/Prerequisites/prerequisites.tsv (which `greentic-integration doctor` checks).
# .ci/run, scripts/e2e.sh and every job of .github/workflows/e2e.yml call this script; nothing
# else names packages. Logs go to stderr; --list prints package names on stdout.
set -uo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/install-deps.sh [--tier l0|l1|l2|all] [--check | --list [deb|pip]]

Installs the Debian packages (apt-get) and PyPI packages (python3 -m pip) that the tier's tests
need and that are not already here, then checks again: exit 1 naming whatever is still missing.

Options:
  --tier TIER   l0, l1, l2 or all (default: all); tiers are cumulative (l2 needs l0's and l1's too)
  --check       install nothing: list what is missing and exit 1 if anything is
  --list [SRC]  print the tier's package names, one a line (only deb or pip ones with SRC)
  -h, --help    show this help

Runs apt-get through sudo when not root. The list: Sources/GreenticTestKit/Prerequisites/prerequisites.tsv
USAGE
}

tier="all"
mode="install"
list_source=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --tier)
      [ $# -ge 2 ] || { echo "install-deps.sh: --tier needs l0, l1, l2 or all" >&2; exit 2; }
      tier="$2"; shift 2 ;;
    --tier=*) tier="${1#--tier=}"; shift ;;
    --check) mode="check"; shift ;;
    --list)
      mode="list"; shift
      if [ $# -gt 0 ] && { [ "$1" = "deb" ] || [ "$1" = "pip" ]; }; then list_source="$1"; shift; fi ;;
    *) echo "install-deps.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$tier" in
  l0|l1|l2|all) ;;
  *) echo "install-deps.sh: unknown tier '$tier' (l0, l1, l2 or all)" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "$0")/.." && pwd)"
list="$root/Sources/GreenticTestKit/Prerequisites/prerequisites.tsv"
[ -f "$list" ] || { echo "install-deps.sh: the prerequisite list $list is missing" >&2; exit 2; }

log() { printf 'install-deps: %s\n' "$*" >&2; }

# The entries of the tier: "name source package probe" lines.
entries() {
  local name source package tiers probe
  while read -r name source package tiers probe _; do
    case "$name" in ''|'#'*) continue ;; esac
    if [ "$tier" = "all" ] || [[ ",$tiers," == *",$tier,"* ]]; then
      printf '%s %s %s %s\n' "$name" "$source" "$package" "$probe"
    fi
  done < "$list"
}

python_bin() { command -v python3 2>/dev/null; }

present() {
  local probe="$1" value
  value="${probe#*:}"
  case "$probe" in
    command:*)
      command -v "$value" >/dev/null 2>&1 && return 0
      ls /usr/lib/postgresql/*/bin/"$value" >/dev/null 2>&1 ;;
    file:*)
      local path
      IFS='|' read -r -a paths <<< "$value"
      for path in "${paths[@]}"; do [ -e "$path" ] && return 0; done
      return 1 ;;
    python:*)
      local py; py=$(python_bin) || return 1
      "$py" -c "import $value" >/dev/null 2>&1 ;;
    *) log "unknown probe '$probe' in $list"; return 1 ;;
  esac
}

if [ "$mode" = "list" ]; then
  entries | while read -r _ source package _; do
    [ -z "$list_source" ] || [ "$source" = "$list_source" ] && echo "$package"
  done
  exit 0
fi

missing_entries() {
  entries | while read -r name source package probe; do
    present "$probe" || printf '%s %s %s\n' "$name" "$source" "$package"
  done
}

missing=$(missing_entries)
if [ -z "$missing" ]; then
  log "tier $tier: everything is here"
  exit 0
fi
if [ "$mode" = "check" ]; then
  while read -r name source package; do log "missing: $name ($source package $package)"; done <<< "$missing"
  exit 1
fi

debs=$(awk '$2 == "deb" { print $3 }' <<< "$missing" | tr '\n' ' ')
pips=$(awk '$2 == "pip" { print $3 }' <<< "$missing" | tr '\n' ' ')
sudo=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    log "not root and no sudo: install these by hand: ${debs}${pips}"; exit 1
  fi
fi
if [ -n "${debs// /}" ]; then
  log "installing Debian packages: $debs"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || log "apt-get update failed"
  # shellcheck disable=SC2086
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $debs >&2 \
    || log "apt-get install failed for: $debs"
fi
if [ -n "${pips// /}" ]; then
  py=$(python_bin) || { log "python3 is missing, so these PyPI packages cannot be installed: $pips"; exit 1; }
  log "installing PyPI packages: $pips"
  # Debian's own python3 refuses pip installs without --break-system-packages; others take them as is.
  # shellcheck disable=SC2086
  "$py" -m pip install -q $pips >&2 2>/dev/null || "$py" -m pip install -q --break-system-packages $pips >&2 \
    || log "pip install failed for: $pips"
fi

still=$(missing_entries)
if [ -n "$still" ]; then
  while read -r name source package; do log "still missing: $name ($source package $package)"; done <<< "$still"
  exit 1
fi
log "tier $tier: everything is here"
