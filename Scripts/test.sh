#!/usr/bin/env bash
# Runs the test suite on a fresh Debian machine: installs what is missing, then `swift test`,
# then a smoke run of the libFuzzer targets (15 s each, Scripts/fuzz.sh --smoke; a separate
# package under Tests/Fuzz, so `swift test` never builds with the fuzzer flags).
# Tests that need ../shared/data skip with a message when it is absent.
# PAPERSEARCH_SKIP_FUZZ=1 leaves the fuzz smoke run out.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/Scripts/install-deps.sh"
cd "$root"
swift test
if [[ "${PAPERSEARCH_SKIP_FUZZ:-0}" != 1 ]]; then
    bash "$root/Scripts/fuzz.sh" --smoke
fi
