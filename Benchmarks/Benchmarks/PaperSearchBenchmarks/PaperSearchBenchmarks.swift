// Entry point of the papersearch benchmark suite (package-benchmark): registers every group.
//
// What: the hot loops of indexing and querying, at the size of the 105,720-paper arXiv sample
// (see BenchData.swift for the data and the PAPERSEARCH_BENCH_ARXIV opt-in).
// Run (from Benchmarks/, release build, ~6 minutes on 2 cores):
//   swift package benchmark                                   # all benchmarks
//   swift package benchmark --filter "Query.*"                # one group
//   swift package benchmark baseline check default            # run, compare with the committed baseline
//   swift package --allow-writing-to-package-directory benchmark baseline update default   # re-record it
// Regression thresholds: `BenchConfig.thresholds`, relative to the baseline committed in
// .benchmarkBaselines/PaperSearchBenchmarks/default (exit status 2 on a regression).
import Benchmark
import Foundation

let benchmarks: @Sendable () -> Void = {
    registerAnalysisBenchmarks()
    registerIndexingBenchmarks()
    registerQueryBenchmarks()
    registerStoreBenchmarks()
}

/// Configuration shared by the benchmarks.
enum BenchConfig {
    /// MB/s of input (analyzer benchmarks).
    static var megabytesPerSecond: BenchmarkMetric { .custom("MB/s", polarity: .prefersLarger, useScalingFactor: false) }
    /// MFLOP/s (products; integers, so MFLOP rather than GFLOP for resolution).
    static var mflops: BenchmarkMetric { .custom("MFLOP/s", polarity: .prefersLarger, useScalingFactor: false) }
    /// MB/s of memory read (scans, loads).
    static var memoryMegabytesPerSecond: BenchmarkMetric {
        .custom("MB/s read", polarity: .prefersLarger, useScalingFactor: false)
    }

    static var metrics: [BenchmarkMetric] { [.wallClock, .peakMemoryResident, .mallocCountTotal] }

    /// Regression tolerances for `baseline check`. The baseline was recorded on a 2-core VM shared
    /// with other build and test jobs, where run-to-run swings of 40 % were seen on an unchanged
    /// build; so the check flags slowdowns of more than 1.6x (a broken hot loop is usually 2x or
    /// worse). Allocation counts move with thread scheduling (Dispatch, OpenBLAS) by up to ~25 %; a
    /// real regression there (an allocation per row or per entry) is orders of magnitude. Peak RSS of
    /// the small parallel runs (~100 MB) moved by ~25 %.
    static var thresholds: [BenchmarkMetric: BenchmarkThresholds] {
        [
            .wallClock: .init(relative: [.p50: 60]),
            .peakMemoryResident: .init(relative: [.p50: 35]),
            .mallocCountTotal: .init(relative: [.p50: 100]),
            megabytesPerSecond: .init(relative: [.p50: 40]),
            mflops: .init(relative: [.p50: 40]),
            memoryMegabytesPerSecond: .init(relative: [.p50: 40]),
        ]
    }

    /// A configuration running at most `iterations` measured iterations or `seconds` of them.
    static func make(iterations: Int, seconds: Int, warmup: Int = 1,
                     extra: [BenchmarkMetric] = [], units: BenchmarkTimeUnits = .milliseconds) -> Benchmark.Configuration {
        let used = metrics + extra
        return .init(metrics: used, timeUnits: units, warmupIterations: warmup,
                     maxDuration: .seconds(seconds), maxIterations: iterations,
                     thresholds: thresholds.filter { used.contains($0.key) })
    }
}

/// Nanoseconds elapsed running `body` (for the derived rate metrics; wall clock itself is measured
/// by the framework).
@inline(__always)
func timed(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start)
}
