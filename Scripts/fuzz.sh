#!/usr/bin/env bash
# Builds and runs the libFuzzer targets of Tests/Fuzz (digest, arxiv-jsonl, atom, analyzer).
#
#   Scripts/fuzz.sh [--smoke] [--seconds N] [--config debug|release] [target...]
#
# --smoke: 8 s per target and configuration (what Scripts/test.sh runs in CI); default 600 s.
# Each target is built and run twice, in debug and at the release optimisation level (the parsers
# run release-optimised for users; they keep their bounds checks there, -Ounchecked is only on
# NumericKernels); --config runs one of the two.
# Each target starts from its committed seed corpus Tests/Fuzz/Seeds/<target> and keeps what it
# finds in Tests/Fuzz/.corpus/<target> (git-ignored); crash inputs land in Tests/Fuzz/.artifacts/
# (git-ignored) and make the script exit non-zero. Turn each one into a regression test in
# Tests/FormatsTests/FuzzRegressionTests.swift.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fuzz="$root/Tests/Fuzz"
seconds=600
configs=(debug release)
all=(digest arxiv-jsonl atom analyzer)
targets=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --smoke) seconds=8; shift ;;
        --config) configs=("$2"); shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
[[ ${#targets[@]} -eq 0 ]] && targets=("${all[@]}")
for t in "${targets[@]}"; do
    [[ " ${all[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target '$t', expected one of: ${all[*]}" >&2; exit 2; }
done

# Each target's @main calls LLVMFuzzerRunDriver (SwiftPM owns the executable's entry point).
# AddressSanitizer catches the out-of-bounds reads of the unsafe-pointer scanners.
# One product per invocation keeps SwiftPM from rejecting several --product flags.
# lld: gold crashes on the sanitizer objects' debug info.
for c in "${configs[@]}"; do
    [[ "$c" == debug || "$c" == release ]] || { echo "fuzz.sh: unknown configuration '$c', expected debug or release" >&2; exit 2; }
done
mkdir -p "$fuzz/.artifacts"
status=0
for config in "${configs[@]}"; do
for t in "${targets[@]}"; do
    echo "fuzz.sh: building fuzz-$t ($config; log: Tests/Fuzz/.artifacts/build.log)"
    if ! swift build --package-path "$fuzz" -c "$config" -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld \
        --product "fuzz-$t" >"$fuzz/.artifacts/build.log" 2>&1; then
        grep -E "error" "$fuzz/.artifacts/build.log" | head -20 >&2
        echo "fuzz.sh: build of fuzz-$t ($config) failed" >&2
        exit 1
    fi
done
bin="$(swift build --package-path "$fuzz" -c "$config" --show-bin-path)"

for t in "${targets[@]}"; do
    corpus="$fuzz/.corpus/$t"
    artifacts="$fuzz/.artifacts/$t/"
    mkdir -p "$corpus" "$artifacts"
    echo "fuzz.sh: $t ($config) for ${seconds}s (seeds Tests/Fuzz/Seeds/$t)"
    # -rss_limit_mb bounds memory per input; -max_len lets inputs grow to 64 KiB.
    if ! ASAN_OPTIONS=detect_leaks=0 "$bin/fuzz-$t" "$corpus" "$fuzz/Seeds/$t" \
        -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
        -artifact_prefix="$artifacts" -print_final_stats=1 2>"$fuzz/.artifacts/$t.log"; then
        echo "fuzz.sh: $t FAILED; see Tests/Fuzz/.artifacts/$t.log and $artifacts" >&2
        tail -n 40 "$fuzz/.artifacts/$t.log" >&2
        status=1
    else
        grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$fuzz/.artifacts/$t.log" | sed "s/^/fuzz.sh: $t ($config) /"
    fi
done
done
exit $status
