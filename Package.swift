// swift-tools-version:6.1
// papersearch: semantic search over scientific paper abstracts.
// System libraries come from Debian (Scripts/install-deps.sh installs them).
import PackageDescription

let package = Package(
    name: "papersearch",
    products: [
        .executable(name: "papersearch", targets: ["papersearch"]),
        .library(name: "PaperSearchKit", targets: ["PaperSearchKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // C libraries, each reached from exactly one Swift file of PaperSearchKit.
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
        // for the x86-64 baseline); called from Numerics/SparseMatrix.swift only.
        .target(name: "CSparseKernels", path: "Sources/CSparseKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(
            name: "PaperSearchKit",
            dependencies: [
                "CBLAS", "CLAPACKE", "CNumericsLoader", "CSparseKernels", "CCurl", "CStemmer", "CZlib",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        .executableTarget(
            name: "papersearch",
            dependencies: [
                "PaperSearchKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The Swift runtime and Foundation linked in: a process starts without loading ~60 shared
            // libraries (nothing imports FoundationNetworking or FoundationXML, so no curl, libxml2 or ICU).
            // -static-stdlib when compiling too: the compiler then reads the modules of lib/swift_static, whose
            // autolink entries name the static libraries Foundation needs (CoreFoundation, _FoundationICU, ...).
            swiftSettings: [.unsafeFlags(["-static-stdlib"])],
            linkerSettings: [.unsafeFlags(["-static-stdlib"])]
        ),
        .testTarget(
            name: "PaperSearchKitTests",
            dependencies: ["PaperSearchKit", "CLAPACKE", "CSparseKernels", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["PaperSearchKit", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Golden"), .copy("BadInput")]
        ),
    ]
)
