#!/usr/bin/env bash
# Runs the test suite on a fresh Debian machine (what CI runs): installs what is missing, then
#   1. `swift test`: the whole suite (debug build) with the default numerics: OpenBLAS through
#      libblas.so.3 and the sparse kernels this CPU supports (AVX2 + FMA where it has them);
#   2. the whole suite again against other numerics: Debian's reference BLAS and LAPACK, chosen at
#      run time (PAPERSEARCH_BLAS, PAPERSEARCH_LAPACK; see Sources/CNumericsLoader/NumericsLoader.c),
#      and the portable sparse kernels (PAPERSEARCH_SPARSE_KERNELS=portable). The last float digits
#      then differ, as they do on another CPU; the tests compare ranks and ids exactly and floats
#      within the tolerance stated in Tests/CLITests/GoldenFile.swift;
#   3. the crash-safety trials (SIGKILL during import, index, add) against the release build
#      (PAPERSEARCH_BIN), since release and debug builds differ;
#   4. a smoke run of the libFuzzer targets (15 s each, Scripts/fuzz.sh --smoke; a separate package
#      under Tests/Fuzz, so `swift test` never builds with the fuzzer flags).
# Tests that need ../shared/data skip with a message when it is absent.
# PAPERSEARCH_SKIP_SECOND_RUN=1, PAPERSEARCH_SKIP_RELEASE=1, PAPERSEARCH_SKIP_FUZZ=1 leave out 2, 3, 4.
# Never sets OPENBLAS_CORETYPE: the suite must pass with whatever kernels OpenBLAS picks here.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/Scripts/install-deps.sh"
cd "$root"
lib=/usr/lib/x86_64-linux-gnu

# Runs `swift test ARGS`, showing its output, and adds its XCTest totals to the closing line.
passed=0 failed=0 skipped=0
run_tests() {
    local log
    log="$(mktemp)"
    swift test "$@" 2>&1 | tee "$log"
    # The last "Executed N tests, with [S tests skipped and] F failures" line is the run's total.
    local total
    total="$(grep -E 'Executed [0-9]+ tests?, with' "$log" | tail -n 1)"
    rm -f "$log"
    local n s f
    n="$(sed -E 's/.*Executed ([0-9]+) tests?.*/\1/' <<<"$total")"
    s="$(sed -nE 's/.* ([0-9]+) tests? skipped.*/\1/p' <<<"$total")"
    f="$(sed -E 's/.* ([0-9]+) failures?.*/\1/' <<<"$total")"
    s="${s:-0}"
    passed=$((passed + n - s - f)) skipped=$((skipped + s)) failed=$((failed + f))
}

# The layering Package.swift declares, where the compiler does not enforce it (imports, SQL, -Ounchecked).
python3 "$root/Scripts/check-architecture.py"

echo "test.sh: 1/4 swift test (OpenBLAS, this CPU's sparse kernels)" >&2
run_tests

if [[ "${PAPERSEARCH_SKIP_SECOND_RUN:-0}" != 1 ]]; then
    echo "test.sh: 2/4 swift test again with the reference BLAS + LAPACK and the portable sparse kernels" >&2
    PAPERSEARCH_BLAS="$lib/blas/libblas.so.3" PAPERSEARCH_LAPACK="$lib/lapack/liblapack.so.3" \
        PAPERSEARCH_SPARSE_KERNELS=portable run_tests --skip-build
fi

if [[ "${PAPERSEARCH_SKIP_RELEASE:-0}" != 1 ]]; then
    echo "test.sh: 3/4 crash-safety trials against the release build (building release: a few minutes)" >&2
    swift build -c release 2>&1 | tail -n 1
    PAPERSEARCH_BIN="$root/.build/release/papersearch" run_tests --skip-build --filter CrashSafetyCLITests
fi

if [[ "${PAPERSEARCH_SKIP_FUZZ:-0}" != 1 ]]; then
    echo "test.sh: 4/4 fuzz smoke run" >&2
    bash "$root/Scripts/fuzz.sh" --smoke
fi

# The closing line: every XCTest run above, added up (a failing run has already stopped the script).
echo "test.sh: $passed passed, $failed failed, $skipped skipped"
