import Foundation
import XCTest

/// `papersearch` search / related / topics as a whole process: golden outputs on the demo
/// corpus (terminal listing with NO_COLOR and a pipe, JSON) and one-line errors.
///
/// Golden files live in Golden/; set `PAPERSEARCH_UPDATE_GOLDEN=1` to rewrite them. They are
/// compared by `GoldenFile`: ranks, ids and text exactly, decimal numbers within a stated
/// tolerance (BLAS kernels differ per CPU and move the last float digits between machines).
final class QueryCLITests: DemoIndexTestCase {

    static var goldenDirectory: URL {
        SharedData.repository.appendingPathComponent("Tests/CLITests/Golden")
    }

    /// Compares `actual` with Golden/`name` under `GoldenFile`'s rules (ids and ranks exactly,
    /// decimals within its stated tolerance), or writes it when updating.
    func assertGolden(_ actual: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        try GoldenFile.assertMatches(actual, Self.goldenDirectory.appendingPathComponent(name),
                                     json: name.hasSuffix(".json"), file: file, line: line)
    }

    func normalizedJSON(_ text: String) throws -> String { try GoldenFile.normalizedJSON(text) }

    func ok(_ result: CLIRunner.Result, file: StaticString = #filePath, line: UInt = #line) -> String {
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        return result.stdout
    }

    // MARK: - Golden outputs

    func testSearchListingGolden() throws {
        let cli = try demo()
        try assertGolden(ok(try cli.run(["long context retrieval", "-n", "5"])), "search-long-context.txt")
        try assertGolden(ok(try cli.run(["search", "robot scene graph", "--mode", "bm25", "-n", "3"])),
                         "search-robot-bm25.txt")
    }

    func testSearchJSONGolden() throws {
        let cli = try demo()
        try assertGolden(normalizedJSON(ok(try cli.run(["search", "long context retrieval", "-n", "5", "--json"]))),
                         "search-long-context.json")
        try assertGolden(normalizedJSON(ok(try cli.run(["search", "protein structure", "--mode", "lsa", "-n", "3", "--json"]))),
                         "search-protein-lsa.json")
    }

    func testRelatedGolden() throws {
        let cli = try demo()
        try assertGolden(ok(try cli.run(["related", "demo:0001", "-n", "5"])), "related-demo-0001.txt")
        try assertGolden(normalizedJSON(ok(try cli.run(["related", "demo:0001", "-n", "5", "--json"]))),
                         "related-demo-0001.json")
    }

    func testExplainGolden() throws {
        let cli = try demo()
        try assertGolden(ok(try cli.run(["long context retrieval", "-n", "3", "--explain"])), "search-explain.txt")
        let json = ok(try cli.run(["long context retrieval", "-n", "3", "--explain", "--json"]))
        try assertGolden(normalizedJSON(json), "search-explain.json")
        // The BM25 shares add up to the BM25 score.
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let results = object?["results"] as? [[String: Any]] ?? []
        XCTAssertFalse(results.isEmpty)
        for hit in results {
            let terms = (hit["explanation"] as? [String: Any])?["terms"] as? [[String: Any]] ?? []
            let sum = terms.compactMap { ($0["bm25"] as? NSNumber)?.doubleValue }.reduce(0, +)
            XCTAssertEqual(sum, (hit["bm25"] as? NSNumber)?.doubleValue ?? -1, accuracy: 1e-3)
        }
        try assertGolden(ok(try cli.run(["related", "demo:0001", "-n", "2", "--explain"])), "related-explain.txt")
    }

    func testTopicsGolden() throws {
        let cli = try demo()
        try assertGolden(ok(try cli.run(["topics", "-n", "5", "--terms", "5"])), "topics.txt")
        let json = try normalizedJSON(ok(try cli.run(["topics", "-n", "3", "--terms", "4", "--json"])))
        try assertGolden(json, "topics.json")
    }

    // MARK: - Errors

    func assertFails(_ result: CLIRunner.Result, status: Int32, contains needles: [String],
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, status, "stderr: \(result.stderr)", file: file, line: line)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.hasPrefix("papersearch: error: "), result.stderr, file: file, line: line)
        for needle in needles {
            XCTAssertTrue(result.stderr.contains(needle), "'\(needle)' not in: \(result.stderr)", file: file, line: line)
        }
        XCTAssertEqual(result.stdout, "", file: file, line: line)
    }

    func testEmptyAndStopWordQueries() throws {
        let cli = try demo()
        assertFails(try cli.run(["search", ""]), status: 2, contains: ["empty query"])
        assertFails(try cli.run(["search", "   "]), status: 2, contains: ["empty query"])
        assertFails(try cli.run(["the of and"]), status: 2, contains: ["'the of and'", "only stop words"])
    }

    func testUnknownPaper() throws {
        let cli = try demo()
        assertFails(try cli.run(["related", "2309.17453"]), status: 1,
                    contains: ["'2309.17453' is not in the index", "papersearch fetch --id 2309.17453", "papersearch add"])
        assertFails(try cli.run(["related", "not-an-id"]), status: 2, contains: ["'not-an-id' is not an arXiv id"])
    }

    func testBadLimit() throws {
        let cli = try demo()
        assertFails(try cli.run(["search", "retrieval", "-n", "0"]), status: 2, contains: ["'0'", "--limit", "1 to 1000"])
        assertFails(try cli.run(["search", "retrieval", "--limit", "1001"]), status: 2, contains: ["'1001'", "1 to 1000"])
        assertFails(try cli.run(["search", "retrieval", "-n", "x"]), status: 2, contains: ["'x'"])
        assertFails(try cli.run(["related", "demo:0001", "-n", "0"]), status: 2, contains: ["'0'", "1 to 1000"])
        assertFails(try cli.run(["topics", "-n", "0"]), status: 2, contains: ["'0'", "1 to 1000"])
    }

    /// `--db` (and `-q`) written before the subcommand go to the subcommand; before a query they
    /// stay with the default search.
    func testGlobalOptionsBeforeSubcommand() throws {
        let cli = try demo()
        let info = try cli.run(["--db", cli.database, "info", "--json"], noDB: true)
        XCTAssertEqual(info.status, 0, info.stderr)
        XCTAssertTrue(info.stdout.contains("\"papers\""), info.stdout)
        let topics = try cli.run(["--db=\(cli.database)", "-q", "topics", "-n", "2"], noDB: true)
        XCTAssertEqual(topics.status, 0, topics.stderr)
        let before = try cli.run(["--db", cli.database, "retrieval augmented generation", "-n", "3"], noDB: true)
        let after = try cli.run(["retrieval augmented generation", "-n", "3"])
        XCTAssertEqual(before.status, 0, before.stderr)
        XCTAssertEqual(before.stdout, after.stdout)
    }

    /// A query ranks with the int8 codes and must not load BLAS/LAPACK (CNumericsLoader loads them
    /// on first use; loading them cost 5-12 ms of a whole-process query).
    func testQueryDoesNotLoadBLAS() throws {
        var cli = try demo()
        cli.environment["LD_DEBUG"] = "files"
        for arguments in [["retrieval augmented generation", "-n", "3"], ["related", "demo:0042", "-n", "3"]] {
            let result = try cli.run(arguments)
            XCTAssertEqual(result.status, 0, result.stderr)
            // "calling init: <library>" is logged for each library actually loaded and initialised
            // (a probe with RTLD_NOLOAD logs the file name but loads nothing).
            let initialised = result.stderr.split(separator: "\n").filter { $0.contains("calling init:") }
            XCTAssertTrue(initialised.contains { $0.contains("libsqlite3") }, "expected the dynamic loader's log on stderr")
            XCTAssertFalse(initialised.contains { $0.contains("blas") || $0.contains("lapack") },
                           "\(arguments) loaded BLAS/LAPACK: \(initialised)")
        }
    }

    func testNoIndexYet() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ps-noindex-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cli = CLIRunner(database: dir.appendingPathComponent("none.sqlite").path)
        let hint = ["no index", "papersearch import FILE", "papersearch index"]
        assertFails(try cli.run(["long context retrieval"]), status: 1, contains: hint)
        assertFails(try cli.run(["related", "demo:0001"]), status: 1, contains: hint)
        assertFails(try cli.run(["topics"]), status: 1, contains: hint)
        // Papers imported but not indexed: the same hint.
        let corpus = SharedData.repository.appendingPathComponent("Data/demo-corpus.jsonl").path
        XCTAssertEqual(try cli.run(["import", corpus, "--quiet"]).status, 0)
        assertFails(try cli.run(["long context retrieval"]), status: 1, contains: hint)
    }
}
