import Foundation
import XCTest

/// Exit codes, one-line errors and rollback of `papersearch import`, as a whole process.
final class ImportCLITests: XCTestCase {
    var directory: URL!
    var cli: CLIRunner!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ps-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        cli = CLIRunner(database: directory.appendingPathComponent("db.sqlite").path)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    static let good = """
        {"id": "2401.00001", "version": 1, "title": "Sparse retrieval", "abstract": "We study sparse retrieval.", "categories": ["cs.IR"], "primary_category": "cs.IR", "published": "2024-01-02 10:00:00"}
        {"id": "2401.00002", "version": 1, "title": "Dense retrieval", "abstract": "We study dense retrieval.", "categories": ["cs.CL"], "primary_category": "cs.CL", "published": "2024-01-03 10:00:00"}

        """

    /// Asserts a failed run: the status, one stderr line starting `papersearch: error:`, containing `needle`.
    func assertFails(_ result: CLIRunner.Result, status: Int32, contains needle: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, status, "stderr: \(result.stderr)", file: file, line: line)
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "expected one stderr line, got: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.hasPrefix("papersearch: error: "), result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.contains(needle), "'\(needle)' not in: \(result.stderr)", file: file, line: line)
    }

    func paperCount() throws -> Int {
        let result = try cli.run(["info", "--json"])
        guard result.status == 0 else { return -1 }
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return object?["papers"] as? Int ?? -1
    }

    func testImportSucceedsAndTwiceLeavesSameCounts() throws {
        let path = try write("good.jsonl", Self.good)
        let first = try cli.run(["import", path])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("2 papers (2 new"), first.stdout)
        let second = try cli.run(["import", path])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("(0 new, 0 updated, 2 unchanged"), second.stdout)
        XCTAssertEqual(try paperCount(), 2)
    }

    func testMalformedLineRollsBackWholeFileUnlessSkipInvalid() throws {
        let path = try write("bad.jsonl", Self.good + "{\"id\": \"2401.00003\", \"title\": \n")
        assertFails(try cli.run(["import", path]), status: 1, contains: "bad.jsonl:3:")
        XCTAssertEqual(try cli.run(["info"]).status, 0)
        XCTAssertEqual(try paperCount(), 0, "nothing of the file may be stored")
        let skipped = try cli.run(["import", "--skip-invalid", path])
        XCTAssertEqual(skipped.status, 0, skipped.stderr)
        XCTAssertTrue(skipped.stdout.contains("1 invalid skipped"), skipped.stdout)
        XCTAssertEqual(try paperCount(), 2)
    }

    /// All files of one import are one transaction: a bad record in the second file leaves the
    /// first file's papers out too, and no summary line claims them.
    func testBadSecondFileRollsBackTheWholeImport() throws {
        let good = try write("good.jsonl", Self.good)
        let bad = try write("bad.jsonl", Self.good.replacingOccurrences(of: "2401.0000", with: "2403.0000")
            + "{\"id\": \"2403.00003\", \"title\": \n")
        let failed = try cli.run(["import", good, bad])
        assertFails(failed, status: 1, contains: "bad.jsonl:3:")
        XCTAssertEqual(failed.stdout, "", "no summary for a rolled-back file")
        XCTAssertEqual(try paperCount(), 0, "nothing of the command may be stored")
        let both = try cli.run(["import", good, try write("more.jsonl", Self.good.replacingOccurrences(of: "2401.0000", with: "2402.0000"))])
        XCTAssertEqual(both.status, 0, both.stderr)
        XCTAssertEqual(both.stdout.split(separator: "\n").count, 2, both.stdout)
        XCTAssertEqual(try paperCount(), 4)
    }

    func testMissingTitleAndMissingAbstract() throws {
        let noTitle = try write("notitle.jsonl", #"{"id": "2401.00001", "abstract": "Text.", "categories": ["cs.CL"]}"# + "\n")
        assertFails(try cli.run(["import", noTitle]), status: 1, contains: "notitle.jsonl:1:")
        let noAbstract = try write("noabstract.jsonl", #"{"id": "2401.00001", "title": "T", "categories": ["cs.CL"]}"# + "\n")
        assertFails(try cli.run(["import", noAbstract]), status: 1, contains: "abstract")
    }

    func testEmptyUnknownMissingAndNonUTF8() throws {
        assertFails(try cli.run(["import", try write("empty.jsonl", "")]), status: 1, contains: "empty")
        assertFails(try cli.run(["import", try write("what.txt", "hello world\nthis is not a paper file\n")]),
                    status: 1, contains: "unknown format")
        assertFails(try cli.run(["import", directory.appendingPathComponent("absent.jsonl").path]),
                    status: 1, contains: "absent.jsonl")
        var bytes = Array(Self.good.utf8)
        bytes.insert(contentsOf: [0xFF, 0xFE], at: 20)
        assertFails(try cli.run(["import", try write("latin.jsonl", bytes: bytes)]), status: 1, contains: "UTF-8")
    }

    func testTruncatedGzip() throws {
        let plain = try write("papers.jsonl", Self.good)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-n", "-k", plain]
        try gzip.run()
        gzip.waitUntilExit()
        let full = try Data(contentsOf: URL(fileURLWithPath: plain + ".gz"))
        let good = try cli.run(["import", plain + ".gz"])
        XCTAssertEqual(good.status, 0, good.stderr)
        let cut = try write("cut.jsonl.gz", bytes: Array(full.prefix(full.count / 2)))
        let other = CLIRunner(database: directory.appendingPathComponent("other.sqlite").path)
        assertFails(try other.run(["import", cut]), status: 1, contains: "gzip")
    }

    func testUsageErrorsExitTwo() throws {
        assertFails(try cli.run(["import"]), status: 2, contains: "Missing expected argument")
        assertFails(try cli.run(["import", "--format", "csv", "x"]), status: 2, contains: "'csv'")
        assertFails(try cli.run(["import", "--bogus", "x"]), status: 2, contains: "--bogus")
    }

    func testDatabaseInMissingDirectory() throws {
        let path = try write("good.jsonl", Self.good)
        let bad = CLIRunner(database: directory.appendingPathComponent("missing/dir/db.sqlite").path)
        assertFails(try bad.run(["import", path]), status: 1, contains: "does not exist")
    }

    func testInfoWithoutDatabaseSaysHowToBuildOne() throws {
        let result = try cli.run(["info"])
        assertFails(result, status: 1, contains: "papersearch import")
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.database))
    }

    func testHelpExitsZero() throws {
        let result = try cli.run(["--help"], noDB: true)
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.contains("import"), result.stdout)
    }
}
