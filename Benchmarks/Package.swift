// swift-tools-version:6.1
// papersearch benchmarks (package-benchmark, https://github.com/ordo-one/package-benchmark).
// A separate package so the main build and `swift test` do not compile the benchmark machinery.
// Run from this directory: `swift package benchmark` (see Benchmarks/PaperSearchBenchmarks/*.swift).
import PackageDescription

let package = Package(
    name: "papersearch-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "papersearch", path: ".."),
        // MallocInterposer counts allocations without jemalloc (not packaged in Debian 12).
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .executableTarget(
            name: "PaperSearchBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "PaperSearchKit", package: "papersearch"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/PaperSearchBenchmarks",
            swiftSettings: [.unsafeFlags(["-Ounchecked"])],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // In-process scan timing on a real index, for Scripts/compare-peers.sh (no benchmark machinery).
        .executableTarget(
            name: "scan-timing",
            dependencies: [
                .product(name: "PaperSearchKit", package: "papersearch"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tools/ScanTiming"
        ),
    ]
)
