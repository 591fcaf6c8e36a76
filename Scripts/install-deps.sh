#!/usr/bin/env bash
# Installs the system libraries papersearch builds and runs against, idempotently.
#   libsqlite3-dev       SQLite (through GRDB.swift)
#   libblas-dev          cblas.h + libblas.so.3 (the BLAS interface we link)
#   liblapacke-dev       lapacke.h + liblapacke (QR and small SVD)
#   libopenblas0-pthread the fast BLAS/LAPACK behind libblas.so.3 at run time (Debian alternatives)
#   libstemmer-dev       Snowball stemmers (libstemmer.h)
#   zlib1g-dev           zlib (reading .gz files)
#   libcurl4             HTTP for `papersearch fetch`, loaded with dlopen at run time (not linked)
# (The Swift toolchain itself needs libxml2 and libcurl too; see its own installation notes.)
# Runs `apt-get update` once, and only when something is missing. Uses sudo when not root.
set -euo pipefail
packages=(libsqlite3-dev libblas-dev liblapacke-dev libopenblas0-pthread libstemmer-dev zlib1g-dev libcurl4)
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
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >&2
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
echo "install-deps: installed ${missing[*]}" >&2
