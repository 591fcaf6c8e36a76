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
        .target(
            name: "PaperSearchKit",
            dependencies: [
                "CBLAS", "CLAPACKE", "CStemmer", "CZlib",
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
            ]
        ),
        .testTarget(
            name: "PaperSearchKitTests",
            dependencies: ["PaperSearchKit", "CLAPACKE", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["PaperSearchKit", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Golden"), .copy("BadInput")]
        ),
    ]
)
