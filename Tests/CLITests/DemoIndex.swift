import Foundation
import XCTest

/// An index of the demo corpus (Data/demo-corpus.jsonl) in a temporary directory, built once by a
/// test class's `class func setUp` and shared by its tests (import + index take a few seconds).
/// A failure to build it is kept and makes each test skip with the reason.
struct DemoIndex: Sendable {
    let directory: URL
    let failure: String?

    /// Imports the demo corpus and indexes it with `k` latent dimensions.
    init(k: Int, label: String) {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ps-\(label)-\(UUID().uuidString)")
        failure = Self.build(in: directory, k: k)
    }

    private static func build(in directory: URL, k: Int) -> String? {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let cli = CLIRunner(database: directory.appendingPathComponent("demo.sqlite").path)
            let corpus = SharedData.repository.appendingPathComponent("Data/demo-corpus.jsonl").path
            let imported = try cli.run(["import", corpus, "--quiet"])
            guard imported.status == 0 else { return "import failed: \(imported.stderr)" }
            let indexed = try cli.run(["index", "-k", "\(k)", "--quiet"])
            guard indexed.status == 0 else { return "index failed: \(indexed.stderr)" }
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// A runner on the index, or a skip naming why there is none.
    func cli() throws -> CLIRunner {
        if let failure { throw XCTSkip(failure) }
        return CLIRunner(database: directory.appendingPathComponent("demo.sqlite").path)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// A test class whose tests share one `DemoIndex` (built in `class func setUp`, removed in
/// `tearDown`); subclasses choose the latent dimensions with `demoK`.
class DemoIndexTestCase: XCTestCase {
    class var demoK: Int { 32 }

    nonisolated(unsafe) private static var indexes: [ObjectIdentifier: DemoIndex] = [:]

    override class func setUp() {
        super.setUp()
        indexes[ObjectIdentifier(self)] = DemoIndex(k: demoK, label: "\(self)")
    }

    override class func tearDown() {
        indexes.removeValue(forKey: ObjectIdentifier(self))?.remove()
        super.tearDown()
    }

    /// A runner on this class's demo index.
    func demo() throws -> CLIRunner {
        guard let index = Self.indexes[ObjectIdentifier(type(of: self))] else { throw XCTSkip("no demo index") }
        return try index.cli()
    }
}
