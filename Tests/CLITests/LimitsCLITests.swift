import Foundation
import XCTest

/// Oversized inputs through the real binary: each gives a clear result (success or one
/// `papersearch: error:` line) with bounded memory (peak RSS of the child process).
final class LimitsCLITests: XCTestCase {
    var directory: URL!
    var cli: CLIRunner!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ps-limits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        cli = CLIRunner(database: directory.appendingPathComponent("db.sqlite").path)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func write(_ name: String, _ data: Data) throws -> String {
        let url = directory.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    /// Largest resident set of any child this test process has waited for, in MiB.
    func childPeakMiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }

    /// Limit for every child here: generous for a debug build, far below what keeping
    /// per-token or per-line state for these inputs unboundedly would take.
    static let peakLimitMiB = 600

    func seedDemo() throws {
        let corpus = SharedData.repository.appendingPathComponent("Data/demo-corpus.jsonl").path
        XCTAssertEqual(try cli.run(["import", "-q", corpus]).status, 0)
    }

    func assertOneLineError(_ result: CLIRunner.Result, status: Int32, contains needle: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, status, result.stderr, file: file, line: line)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.hasPrefix("papersearch: error: "), result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.contains(needle), "'\(needle)' not in \(result.stderr.prefix(300))", file: file, line: line)
        XCTAssertLessThan(result.stderr.count, 1100, file: file, line: line)
    }

    /// A 1 MB abstract and a 100,000-character token import, index and search normally; the
    /// token is dropped by the analyzer's length cap (it never becomes a term).
    func testMegabyteAbstractAndHugeToken() throws {
        try seedDemo()
        var words: [String] = []
        var size = 0
        var i = 0
        while size < 1 << 20 {
            let word = ["retrieval", "zyxwvutsr", "augmented", "generation", "kvcache\(i % 97)"][i % 5]
            words.append(word)
            size += word.utf8.count + 1
            i += 1
        }
        let token = String(repeating: "q", count: 100_000)
        let abstract = words.joined(separator: " ") + " " + token
        let record = #"{"id": "2401.77777", "version": 1, "title": "A very long abstract", "abstract": "\#(abstract)", "categories": ["cs.IR"], "published": "2024-01-02 10:00:00"}"# + "\n"
        let path = try write("big.jsonl", Data(record.utf8))
        let imported = try cli.run(["import", path])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let indexed = try cli.run(["index", "-q", "-k", "16"])
        XCTAssertEqual(indexed.status, 0, indexed.stderr)
        let hit = try cli.run(["search", "zyxwvutsr", "--json", "-n", "3"])
        XCTAssertEqual(hit.status, 0, hit.stderr)
        XCTAssertTrue(hit.stdout.contains("\"id\" : \"2401.77777\""), String(hit.stdout.prefix(500)))
        // The 100,000-character token alone: no searchable terms, a usage error on one line.
        assertOneLineError(try cli.run(["search", token]), status: 2, contains: "has no searchable terms")
        // ... next to a real word it is ignored.
        let mixed = try cli.run(["search", token + " zyxwvutsr", "-n", "1", "--json"])
        XCTAssertEqual(mixed.status, 0, mixed.stderr)
        XCTAssertTrue(mixed.stdout.contains("2401.77777"))
        XCTAssertLessThan(childPeakMiB(), Self.peakLimitMiB)
    }

    /// A file of a million newlines is an empty file; with a bad record after them the error
    /// names line 1,000,001.
    func testMillionNewlines() throws {
        try seedDemo()
        let newlines = Data(repeating: 0x0A, count: 1_000_000)
        assertOneLineError(try cli.run(["import", try write("newlines.jsonl", newlines)]), status: 1, contains: "newlines.jsonl: empty file")
        var then = newlines
        then.append(Data(#"{"id": "2401.00001", "title": "T", "abstract": "#.utf8))
        assertOneLineError(try cli.run(["import", try write("then.jsonl", then)]), status: 1, contains: "then.jsonl:1000001: invalid JSON")
        var good = newlines
        good.append(Data((BadInputCLITests.goodLine + "\n").utf8))
        let ok = try cli.run(["import", try write("good.jsonl", good), "--json"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stdout.contains("\"inserted\" : 1"), ok.stdout)
        XCTAssertLessThan(childPeakMiB(), Self.peakLimitMiB)
    }

    /// A 10,000-word query answers; k and -n larger than the corpus are clamped to it.
    func testLongQueryAndKLargerThanCorpus() throws {
        try seedDemo()
        let indexed = try cli.run(["index", "--json", "-k", "4096", "--oversampling", "4", "--power-iterations", "1"])
        XCTAssertEqual(indexed.status, 0, indexed.stderr)
        XCTAssertTrue(indexed.stdout.contains("\"k\" : 300"), "k is clamped to the 300 papers: \(indexed.stdout.prefix(200))")
        let all = try cli.run(["search", "retrieval", "-n", "1000", "--json"])
        XCTAssertEqual(all.status, 0, all.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [String: Any]
        let results = object?["results"] as? [[String: Any]] ?? []
        XCTAssertGreaterThan(results.count, 0)
        XCTAssertLessThanOrEqual(results.count, 300)
        let query = (["retrieval"] + (0..<9_999).map { "w\($0)x" }).joined(separator: " ")
        for mode in ["hybrid", "bm25", "lsa", "tfidf"] {
            let long = try cli.run(["search", query, "--mode", mode, "-n", "5", "--json"])
            XCTAssertEqual(long.status, 0, "\(mode): \(long.stderr)")
            XCTAssertTrue(long.stdout.contains("\"rank\" : 5"), "\(mode): \(long.stdout.prefix(300))")
        }
        let related = try cli.run(["related", "demo:0001", "-n", "1000", "--json"])
        XCTAssertEqual(related.status, 0, related.stderr)
        let tagged = try cli.run(["tag", "--since", "2023-01-01", "-k", "1000", "--json"])
        XCTAssertEqual(tagged.status, 0, tagged.stderr)
        XCTAssertLessThan(childPeakMiB(), Self.peakLimitMiB)
    }
}
