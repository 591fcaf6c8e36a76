// swift-tools-version:6.1
// libFuzzer targets for papersearch's parsers (digest, arXiv JSON lines, Atom) and the query analyzer.
// A separate package so the main build and `swift test` never compile with -sanitize=fuzzer.
// Build and run through Scripts/fuzz.sh, which passes `-Xswiftc -sanitize=fuzzer,address`. Each
// target's @main hands its `LLVMFuzzerTestOneInput`-style callback to libFuzzer's driver.
import PackageDescription

let package = Package(
    name: "papersearch-fuzz",
    dependencies: [
        .package(name: "papersearch", path: "../.."),
    ],
    targets: [
        .target(name: "FuzzDriver"),
        .target(
            name: "FuzzSupport",
            dependencies: ["FuzzDriver", .product(name: "PaperSearchParsers", package: "papersearch")]
        ),
        .executableTarget(name: "fuzz-digest", dependencies: ["FuzzSupport"], path: "Sources/FuzzDigest"),
        .executableTarget(name: "fuzz-arxiv-jsonl", dependencies: ["FuzzSupport"], path: "Sources/FuzzArxivJSONL"),
        .executableTarget(name: "fuzz-atom", dependencies: ["FuzzSupport"], path: "Sources/FuzzAtom"),
        .executableTarget(name: "fuzz-analyzer", dependencies: ["FuzzSupport"], path: "Sources/FuzzAnalyzer"),
    ]
)
