// swift-tools-version:6.1
// papersearch: semantic search over scientific paper abstracts.
// System libraries come from Debian (Scripts/install-deps.sh installs them).
import PackageDescription

let package = Package(
    name: "papersearch",
    products: [
        .executable(name: "papersearch", targets: ["papersearch"]),
        // The parsers and the analyzer alone, for the fuzz package (Tests/Fuzz: no SQLite or BLAS).
        .library(name: "PaperSearchParsers", targets: ["Core", "TextAnalysis", "Formats"]),
        // The engine's targets, for the benchmark package (Benchmarks/).
        .library(
            name: "PaperSearchKit",
            targets: ["Core", "TextAnalysis", "NumericKernels", "Formats", "Store", "Indexing", "Search", "Tagging",
                      "Evaluation", "ArxivAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // C libraries, each reached from exactly one Swift file of the engine.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", providers: [.apt(["libblas-dev", "libopenblas0-pthread"])]),
        .systemLibrary(name: "CLAPACKE", path: "Sources/CLAPACKE", providers: [.apt(["liblapacke-dev"])]),
        .systemLibrary(name: "CStemmer", path: "Sources/CStemmer", providers: [.apt(["libstemmer-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        // libcurl, loaded with dlopen at run time by `papersearch fetch` only (runtime package libcurl4);
        // not linked, so a query never loads it.
        .target(name: "CCurl", path: "Sources/CCurl"),
        // Loads libblas.so.3 / liblapacke.so.3 at their first call rather than at process start
        // (a query never needs them); defines the cblas_* / LAPACKE_* functions papersearch calls.
        .target(name: "CNumericsLoader", path: "Sources/CNumericsLoader"),
        // The sparse × dense product kernels, with AVX2 + FMA versions chosen at run time (Swift compiles
        // for the x86-64 baseline); called from NumericKernels/SparseMatrix.swift only.
        .target(name: "CSparseKernels", path: "Sources/CSparseKernels", cSettings: [.unsafeFlags(["-O3"])]),
        // The engine, one target per concept (ARCHITECTURE.md says what each owns and may use).
        // Shared by every path: Core (papers, ids, dates, options, the error enum), TextAnalysis,
        // NumericKernels, Formats (the file and feed readers) and Store (the only target that sees SQLite).
        .target(name: "Core", path: "Sources/Core"),
        .target(name: "TextAnalysis", dependencies: ["Core", "CStemmer"], path: "Sources/TextAnalysis"),
        // The numeric kernels: the only Swift target compiled with -Ounchecked in release (no parser
        // lives here; the bounds checks it drops are on indices the kernels compute themselves).
        .target(
            name: "NumericKernels",
            dependencies: ["Core", "CBLAS", "CLAPACKE", "CNumericsLoader", "CSparseKernels"],
            path: "Sources/NumericKernels",
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        .target(name: "Formats", dependencies: ["Core", "CZlib"], path: "Sources/Formats"),
        .target(
            name: "Store",
            dependencies: [
                "Core", "NumericKernels",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            path: "Sources/Store"
        ),
        // The write path: import, fit, add.
        .target(
            name: "Indexing", dependencies: ["Core", "TextAnalysis", "NumericKernels", "Formats", "Store"],
            path: "Sources/Indexing"),
        // The read path: search and related, and batch tagging.
        .target(name: "Search", dependencies: ["Core", "TextAnalysis", "NumericKernels", "Store"], path: "Sources/Search"),
        .target(
            name: "Tagging", dependencies: ["Core", "TextAnalysis", "NumericKernels", "Formats", "Store"],
            path: "Sources/Tagging"),
        // Around them: ranking quality on BEIR datasets, and the arXiv API client.
        .target(
            name: "Evaluation", dependencies: ["Core", "Formats", "Store", "Indexing", "Search"],
            path: "Sources/Evaluation"),
        .target(name: "ArxivAPI", dependencies: ["Core", "Formats", "CCurl"], path: "Sources/ArxivAPI"),
        .executableTarget(
            name: "papersearch",
            dependencies: [
                "Core", "TextAnalysis", "Formats", "Store", "Indexing", "Search", "Tagging", "Evaluation", "ArxivAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The Swift runtime and Foundation linked in: a process starts without loading ~60 shared
            // libraries (nothing imports FoundationNetworking or FoundationXML, so no curl, libxml2 or ICU).
            // -static-stdlib when compiling too: the compiler then reads the modules of lib/swift_static, whose
            // autolink entries name the static libraries Foundation needs (CoreFoundation, _FoundationICU, ...).
            swiftSettings: [.unsafeFlags(["-static-stdlib"])],
            linkerSettings: [.unsafeFlags(["-static-stdlib"])]
        ),
        // One test target per library target that has tests; CLITests runs the built executable.
        .testTarget(name: "CoreTests", dependencies: ["Core"]),
        .testTarget(name: "TextAnalysisTests", dependencies: ["Core", "TextAnalysis", "NumericKernels"]),
        .testTarget(name: "NumericKernelsTests", dependencies: ["Core", "NumericKernels", "CLAPACKE", "CSparseKernels"]),
        .testTarget(
            name: "FormatsTests", dependencies: ["Core", "TextAnalysis", "Formats", "Indexing"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Core", "NumericKernels", "Store", "Indexing", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "IndexingTests",
            dependencies: ["Core", "TextAnalysis", "Store", "Indexing", "Search", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "SearchTests",
            dependencies: ["Core", "NumericKernels", "Store", "Indexing", "Search", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "TaggingTests",
            dependencies: ["Core", "Store", "Indexing", "Tagging", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ArxivAPITests", dependencies: ["Core", "Formats", "ArxivAPI"]),
        .testTarget(
            name: "CLITests",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Golden"), .copy("BadInput")]
        ),
    ]
)
