#!/usr/bin/env bash
# Runs the test suite on a fresh Debian machine: installs what is missing, then `swift test`.
# Tests that need ../shared/data skip with a message when it is absent.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/Scripts/install-deps.sh"
cd "$root"
swift test
