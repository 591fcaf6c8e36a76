#!/usr/bin/env bash
# Installs the system libraries papersearch builds and runs against, idempotently.
#   libsqlite3-dev       SQLite (through GRDB.swift)
#   libblas-dev          cblas.h + libblas.so.3 (the BLAS interface we call)
#   liblapacke-dev       lapacke.h + liblapacke (QR and small SVD)
#   libopenblas0-pthread the fast BLAS/LAPACK behind libblas.so.3 at run time (Debian alternatives)
#   libblas3, liblapack3 the reference BLAS and LAPACK: Scripts/test.sh runs the suite a second time
#                        against them (PAPERSEARCH_BLAS / PAPERSEARCH_LAPACK)
#   libstemmer-dev       Snowball stemmers (libstemmer.h)
#   zlib1g-dev           zlib (reading .gz files)
#   libcurl4             HTTP for `papersearch fetch`, loaded with dlopen at run time (not linked)
# (The Swift toolchain itself needs libxml2 and libcurl too; see its own installation notes.)
# Runs `apt-get update` once, and only when something is missing. Uses sudo when not root.
# Prints one line per step; apt's own output goes to a log file, shown in part when a step fails.
set -euo pipefail
packages=(libsqlite3-dev libblas-dev liblapacke-dev libopenblas0-pthread libblas3 liblapack3 libstemmer-dev zlib1g-dev libcurl4)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all present (${packages[*]})" >&2
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
log="${TMPDIR:-/tmp}/papersearch-install-deps.log"
: > "$log"
export DEBIAN_FRONTEND=noninteractive

# One step: a line saying what it does, its output into the log, the log's end when it fails.
step() {
  local what="$1"; shift
  echo "install-deps: $what (log: $log)" >&2
  if ! "$@" >> "$log" 2>&1; then
    echo "install-deps: failed: $what; the last lines of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
}
step "updating the package lists (apt-get update)" "${sudo[@]}" apt-get update
step "installing ${missing[*]}" "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${missing[*]}" >&2
