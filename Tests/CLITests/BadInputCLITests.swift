import Foundation
import GRDB
import XCTest

/// The bad-input corpus (`Tests/CLITests/BadInput`, plus a few inputs generated here) run
/// through the real `papersearch` binary against one seeded database (the demo corpus,
/// imported, tagged and indexed once for the class). Every case must:
/// - exit with the expected non-zero status (1 runtime failure, 2 usage error);
/// - print exactly one stderr line `papersearch: error: …` naming the file:line or the
///   field/option and the reason (`needle`), at most ~1000 characters long;
/// - leave the database exactly as it was: same rows and row hashes in every table (papers,
///   tags, model and index artefacts) and `PRAGMA integrity_check` = ok.
final class BadInputCLITests: XCTestCase {
    struct Case {
        var name: String
        var arguments: [String]
        var status: Int32
        var needle: String
    }

    nonisolated(unsafe) static var directory: URL?
    nonisolated(unsafe) static var seeded: String?

    /// Imports and indexes the demo corpus once for all cases (k=32 keeps it quick).
    override class func setUp() {
        super.setUp()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ps-badinput-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let db = dir.appendingPathComponent("seeded.sqlite").path
        let cli = CLIRunner(database: db)
        let corpus = SharedData.repository.appendingPathComponent("Data/demo-corpus.jsonl").path
        guard (try? cli.run(["import", "-q", corpus]))?.status == 0,
            (try? cli.run(["tags", "add", "demo:0001", "seeded-tag"]))?.status == 0,
            (try? cli.run(["index", "-q", "-k", "32"]))?.status == 0
        else { return }
        directory = dir
        seeded = db
    }

    override class func tearDown() {
        if let directory { try? FileManager.default.removeItem(at: directory) }
        super.tearDown()
    }

    /// The committed bad inputs.
    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("BadInput")
    }

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    /// An address nothing listens on: `fetch` cases must fail before any request.
    static let noServer = ["--api-url", "http://127.0.0.1:9"]

    static var cases: [Case] {
        let f = fixture
        return [
            // arXiv JSON lines: malformed, truncated, wrong types, missing fields, bad values.
            Case(name: "truncated record", arguments: ["import", f("truncated-record.jsonl")], status: 1, needle: "truncated-record.jsonl:2: invalid JSON"),
            Case(name: "line not JSON", arguments: ["import", f("not-json.jsonl")], status: 1, needle: "not-json.jsonl:2: invalid JSON"),
            Case(name: "array instead of object", arguments: ["import", f("array-record.jsonl")], status: 1, needle: "array-record.jsonl:2: expected a JSON object"),
            Case(name: "title is a number", arguments: ["import", f("title-number.jsonl")], status: 1, needle: "title-number.jsonl:2: field 'title' must be a string"),
            Case(name: "categories is an object", arguments: ["import", f("categories-object.jsonl")], status: 1, needle: "categories-object.jsonl:2: field 'categories'"),
            Case(name: "version is a string", arguments: ["import", f("version-string.jsonl")], status: 1, needle: "version-string.jsonl:2: field 'version' must be an integer"),
            Case(name: "negative version", arguments: ["import", f("version-negative.jsonl")], status: 1, needle: "version-negative.jsonl:2: field 'version' must be a positive integer"),
            Case(name: "missing abstract", arguments: ["import", f("missing-abstract.jsonl")], status: 1, needle: "missing-abstract.jsonl:2: missing or empty field 'abstract'"),
            Case(name: "missing id", arguments: ["import", f("missing-id.jsonl")], status: 1, needle: "missing-id.jsonl:2: missing or empty field 'id'"),
            Case(name: "invalid arXiv id", arguments: ["import", f("invalid-arxiv-id.jsonl")], status: 1, needle: "invalid-arxiv-id.jsonl:2: invalid id '2401.9x9'"),
            Case(name: "id with a newline", arguments: ["import", f("id-with-newline.jsonl")], status: 1, needle: #"id-with-newline.jsonl:2: invalid id '2401.90002\nsecond line'"#),
            Case(name: "published in the future", arguments: ["import", f("future-date.jsonl")], status: 1, needle: "future-date.jsonl:2: field 'published' of '2401.90002' is 2999-01-01, a date in the future"),
            Case(name: "impossible date", arguments: ["import", f("impossible-date.jsonl")], status: 1, needle: "impossible-date.jsonl:2: field 'published' must be a date"),
            Case(name: "Kaggle versions not a list", arguments: ["import", f("kaggle-versions-string.jsonl")], status: 1, needle: "kaggle-versions-string.jsonl:2: field 'versions' must be a list"),
            Case(name: "Kaggle unreadable created date", arguments: ["import", f("kaggle-bad-created.jsonl")], status: 1, needle: "kaggle-bad-created.jsonl:2: field 'versions' has an unreadable date 'yesterday'"),
            Case(name: "100,000-deep nesting", arguments: ["import", f("deep-nesting.jsonl")], status: 1, needle: "deep-nesting.jsonl:2: invalid JSON"),
            Case(name: "invalid UTF-8", arguments: ["import", f("invalid-utf8.jsonl")], status: 1, needle: "invalid-utf8.jsonl:2: invalid UTF-8"),
            Case(name: "empty file", arguments: ["import", f("empty.jsonl")], status: 1, needle: "empty.jsonl: empty file"),
            Case(name: "blank lines only", arguments: ["import", f("blank.jsonl")], status: 1, needle: "blank.jsonl: empty file"),
            Case(name: "unknown format", arguments: ["import", f("unknown.txt")], status: 1, needle: "unknown.txt: unknown format"),
            Case(name: "missing file", arguments: ["import", f("no-such-file.jsonl")], status: 1, needle: "no-such-file.jsonl: no such file"),
            Case(name: "directory as file", arguments: ["import", f("beir-missing")], status: 1, needle: "beir-missing: cannot read: is a directory"),
            // gzip
            Case(name: "truncated gzip", arguments: ["import", f("truncated.jsonl.gz")], status: 1, needle: "truncated.jsonl.gz: corrupt or truncated gzip data"),
            Case(name: "gzip header, garbage body", arguments: ["import", f("not-really.jsonl.gz")], status: 1, needle: "not-really.jsonl.gz: corrupt or truncated gzip data"),
            // BEIR
            Case(name: "BEIR record without _id", arguments: ["import", f("beir-missing/corpus.jsonl")], status: 1, needle: "corpus.jsonl:2: missing or empty field '_id'"),
            Case(name: "BEIR text is a list", arguments: ["import", f("beir-text-type/corpus.jsonl")], status: 1, needle: "corpus.jsonl:2: field 'text' must be a string"),
            Case(name: "BEIR bad namespace", arguments: ["import", "--namespace", "Bad Name", f("beir-missing/corpus.jsonl")], status: 2, needle: "invalid value 'Bad Name' for --namespace"),
            // Weekly digests
            Case(name: "digest paper without link", arguments: ["import", f("2024-02-05-missing-link.txt")], status: 1, needle: "2024-02-05-missing-link.txt:24: paper 'A Paper Without a Link' has no arxiv.org/abs/ link"),
            Case(name: "digest invalid arXiv link", arguments: ["import", f("2024-02-05-bad-link.txt")], status: 1, needle: "2024-02-05-bad-link.txt:24: paper 'A Paper With a Bad Link' has an invalid arXiv link"),
            Case(name: "digest without abstract", arguments: ["import", f("2024-02-05-no-abstract.txt")], status: 1, needle: "2024-02-05-no-abstract.txt:24: paper 'A Paper Without an Abstract' has no English abstract"),
            Case(name: "digest truncated", arguments: ["import", f("2024-02-05-truncated.txt")], status: 1, needle: "2024-02-05-truncated.txt:24: paper 'Second Paper'"),
            Case(name: "digest invalid UTF-8", arguments: ["import", f("2024-02-05-invalid-utf8.txt")], status: 1, needle: "2024-02-05-invalid-utf8.txt:24: invalid UTF-8"),
            // Atom
            Case(name: "Atom truncated", arguments: ["import", f("truncated.atom")], status: 1, needle: "truncated.atom:20: malformed XML"),
            Case(name: "Atom unclosed tag", arguments: ["import", f("unclosed-tag.atom")], status: 1, needle: "unclosed-tag.atom:13: malformed XML"),
            Case(name: "Atom entry id not arXiv", arguments: ["import", f("bad-id.atom")], status: 1, needle: "bad-id.atom:14: entry id 'http://arxiv.org/abs/not-an-arxiv-id' is not an arXiv id"),
            Case(name: "Atom missing title", arguments: ["import", f("missing-title.atom")], status: 1, needle: "missing-title.atom:14: missing or empty field 'title'"),
            Case(name: "Atom published in the future", arguments: ["import", f("future-date.atom")], status: 1, needle: "future-date.atom: field 'published' of '2401.04321' is 2999-05-01, a date in the future"),
            Case(name: "Atom entity expansion bomb", arguments: ["import", f("entity-bomb.atom")], status: 1, needle: "entity-bomb.atom:2: malformed XML (DOCTYPE"),
            Case(name: "tag with spaces", arguments: ["import", f("tag-with-spaces.jsonl")], status: 1, needle: "tag-with-spaces.jsonl:2: field 'tags' of '2401.90002' has 'two words'"),
            Case(name: "NUL in a title", arguments: ["import", f("nul-title.jsonl")], status: 1, needle: "nul-title.jsonl:2: field 'title' of '2401.90002' contains a NUL character"),
            Case(name: "import bad --format", arguments: ["import", "--format", "bogus", f("empty.jsonl")], status: 2, needle: "invalid value 'bogus' for --format"),
            Case(name: "import forced wrong format", arguments: ["import", "--format", "atom", f("truncated-record.jsonl")], status: 1, needle: "truncated-record.jsonl:1: malformed XML"),
            // add: the model must stay the same too.
            Case(name: "add truncated record", arguments: ["add", f("truncated-record.jsonl")], status: 1, needle: "truncated-record.jsonl:2: invalid JSON"),
            Case(name: "add future date", arguments: ["add", f("future-date.jsonl")], status: 1, needle: "future-date.jsonl:2: field 'published'"),
            Case(name: "add truncated Atom", arguments: ["add", f("truncated.atom")], status: 1, needle: "truncated.atom:20: malformed XML"),
            // search / related
            Case(name: "search empty query", arguments: ["search", ""], status: 2, needle: "empty query"),
            Case(name: "search stop words only", arguments: ["search", "the of and"], status: 2, needle: "query 'the of and' has no searchable terms"),
            Case(name: "search bad --mode", arguments: ["search", "retrieval", "--mode", "bogus"], status: 2, needle: "invalid value 'bogus' for --mode"),
            Case(name: "search -n 0", arguments: ["search", "retrieval", "-n", "0"], status: 2, needle: "invalid value '0' for --limit"),
            Case(name: "search -n not a number", arguments: ["search", "retrieval", "-n", "abc"], status: 2, needle: "'abc' is invalid for '-n <limit>'"),
            Case(name: "search impossible --since", arguments: ["search", "retrieval", "--since", "2024-02-30"], status: 2, needle: "invalid value '2024-02-30' for --since"),
            Case(name: "search unknown option", arguments: ["search", "retrieval", "--bogus"], status: 2, needle: "Unknown option '--bogus'"),
            Case(name: "related invalid id", arguments: ["related", "not a paper"], status: 2, needle: "'not a paper' is not an arXiv id"),
            Case(name: "related unknown paper", arguments: ["related", "2401.99999"], status: 1, needle: "paper '2401.99999' is not in the index"),
            // index / eval / topics / info
            Case(name: "index -k 0", arguments: ["index", "-k", "0"], status: 2, needle: "invalid value '0' for -k"),
            Case(name: "index --max-df 2", arguments: ["index", "--max-df", "2"], status: 2, needle: "for --max-df, expected a share in (0, 1]"),
            Case(name: "index --min-df 0", arguments: ["index", "--min-df", "0"], status: 2, needle: "invalid value '0' for --min-df"),
            Case(name: "eval missing dataset", arguments: ["eval", f("no-such-dataset")], status: 1, needle: "no-such-dataset/corpus.jsonl: no such file"),
            Case(name: "topics --terms 0", arguments: ["topics", "--terms", "0"], status: 2, needle: "invalid value '0' for --terms"),
            Case(name: "info unknown option", arguments: ["info", "--bogus"], status: 2, needle: "Unknown option '--bogus'"),
            // tag / tags
            Case(name: "tag bad --week", arguments: ["tag", "--week", "2025-W99"], status: 2, needle: "invalid value '2025-W99' for --week"),
            Case(name: "tag bad --tags-from", arguments: ["tag", "--week", "2025-W40", "--tags-from", "bogus"], status: 2, needle: "invalid value 'bogus' for --tags-from"),
            Case(name: "tag nothing to tag", arguments: ["tag"], status: 2, needle: "expected input files, --week or --since"),
            Case(name: "tag -k 0", arguments: ["tag", "--week", "2025-W40", "-k", "0"], status: 2, needle: "invalid value '0' for --k"),
            Case(name: "tag truncated Atom input", arguments: ["tag", "--apply", f("truncated.atom")], status: 1, needle: "truncated.atom:20: malformed XML"),
            Case(name: "tags add without tags", arguments: ["tags", "add", "demo:0001"], status: 2, needle: "Missing expected argument '<tag> ...'"),
            Case(name: "tags add unknown paper", arguments: ["tags", "add", "2401.99999", "rag"], status: 1, needle: "paper '2401.99999' is not in the index"),
            Case(name: "tags add invalid id", arguments: ["tags", "add", "bad id", "rag"], status: 2, needle: "'bad id' is not an arXiv id"),
            Case(name: "tags list invalid --paper", arguments: ["tags", "list", "--paper", "bad id"], status: 2, needle: "'bad id' is not an arXiv id"),
            // fetch: refused before any request.
            Case(name: "fetch nothing", arguments: ["fetch"] + noServer, status: 2, needle: "nothing to fetch"),
            Case(name: "fetch invalid id", arguments: ["fetch", "--id", "garbage"] + noServer, status: 2, needle: "'garbage' is not an arXiv id"),
            Case(name: "fetch --category without --to", arguments: ["fetch", "--category", "cs.CL", "--from", "2024-01-01"] + noServer, status: 2, needle: "--category needs --from YYYY-MM-DD and --to YYYY-MM-DD"),
            Case(name: "fetch --to before --from", arguments: ["fetch", "--category", "cs.CL", "--from", "2024-01-09", "--to", "2024-01-01"] + noServer, status: 2, needle: "invalid value '2024-01-01' for --to"),
            Case(name: "fetch non-http API URL", arguments: ["fetch", "--id", "2401.00001", "--api-url", "ftp://x"], status: 2, needle: "invalid value 'ftp://x' for --api-url"),
        ]
    }

    func testEveryBadInputFailsWithOneLineAndLeavesTheDatabaseAsItWas() throws {
        guard let seeded = Self.seeded else { return XCTFail("could not seed the demo database") }
        let cli = CLIRunner(database: seeded)
        let before = try DatabaseFingerprint.of(seeded)
        XCTAssertEqual(before.integrity, "ok")
        XCTAssertEqual(before.count("papers"), 300)
        XCTAssertEqual(before.count("lsa_model"), 1)
        XCTAssertGreaterThanOrEqual(Self.cases.count, 30)
        for badCase in Self.cases {
            let result = try cli.run(badCase.arguments)
            assertOneLineError(result, badCase)
            let after = try DatabaseFingerprint.of(seeded)
            XCTAssertEqual(after, before, "\(badCase.name): the database changed: \(before) -> \(after)")
        }
    }

    /// Inputs too big or too odd to commit: a 1 MB invalid id (the message stays short), a
    /// file that is not a database (left byte for byte as it was), a line over the 64 MiB limit.
    func testGeneratedBadInputs() throws {
        guard let seeded = Self.seeded, let directory = Self.directory else { return XCTFail("could not seed") }
        let cli = CLIRunner(database: seeded)
        let before = try DatabaseFingerprint.of(seeded)

        let hugeID = directory.appendingPathComponent("huge-id.jsonl")
        let id = String(repeating: "9", count: 1 << 20)
        try Data(#"{"id": "\#(id)", "title": "T", "abstract": "A."}"#.utf8).write(to: hugeID)
        let huge = try cli.run(["import", hugeID.path])
        assertOneLineError(huge, Case(name: "1 MB id", arguments: [], status: 1, needle: "huge-id.jsonl:1: invalid id '999"))
        XCTAssertLessThan(huge.stderr.count, 1100, "the message must stay bounded")

        let notDB = directory.appendingPathComponent("not-a-database.sqlite")
        try FileManager.default.copyItem(atPath: Self.fixture("not-a-database.sqlite"), toPath: notDB.path)
        let original = try Data(contentsOf: notDB)
        for arguments in [["search", "retrieval"], ["info"], ["import", Self.fixture("truncated-record.jsonl")]] {
            let result = try CLIRunner(database: notDB.path).run(arguments)
            assertOneLineError(result, Case(name: "not a database: \(arguments[0])", arguments: [], status: 1, needle: "not-a-database.sqlite': file is not a database"))
        }
        XCTAssertEqual(try Data(contentsOf: notDB), original, "a file that is not a database must not be touched")

        let overLong = directory.appendingPathComponent("over-long.jsonl")
        let handle = try FileHandle(forWritingTo: { FileManager.default.createFile(atPath: overLong.path, contents: nil); return overLong }())
        try handle.write(contentsOf: Data((Self.goodLine + "\n").utf8))
        let block = Data(repeating: 0x61, count: 1 << 20)
        try handle.write(contentsOf: Data(#"{"id": "2401.90009", "title": "T", "abstract": ""#.utf8))
        for _ in 0..<65 { try handle.write(contentsOf: block) }
        try handle.write(contentsOf: Data("\"}\n".utf8))
        try handle.close()
        let long = try cli.run(["import", overLong.path])
        assertOneLineError(long, Case(name: "65 MiB line", arguments: [], status: 1, needle: "over-long.jsonl:2: line is longer than"))
        try? FileManager.default.removeItem(at: overLong)

        XCTAssertEqual(try DatabaseFingerprint.of(seeded), before)
    }

    /// Policy for a duplicate id within one file: like a re-import, the highest version wins and
    /// among equal versions the first record is kept (no error; the summary counts them).
    func testDuplicateIDsWithinAFileKeepTheHighestVersion() throws {
        guard let directory = Self.directory else { return XCTFail("could not seed") }
        let db = directory.appendingPathComponent("duplicates.sqlite").path
        let cli = CLIRunner(database: db)
        let result = try cli.run(["import", Self.fixture("duplicate-ids.jsonl")])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("4 papers (1 new, 1 updated, 2 unchanged"), result.stdout)
        let fingerprint = try DatabaseFingerprint.of(db)
        XCTAssertEqual(fingerprint.count("papers"), 1)
        let queue = try DatabaseQueue(path: db)
        defer { try? queue.close() }
        let row = try queue.read { try Row.fetchOne($0, sql: "SELECT version, title FROM papers WHERE id = ?", arguments: ["2401.90001"]) }
        XCTAssertEqual(row?["version"], 3)
        XCTAssertEqual(row?["title"], "Third record, version 3")
    }

    /// One valid arXiv record line for generated files.
    static let goodLine = #"{"id": "2401.90001", "version": 1, "title": "Sparse retrieval", "abstract": "We study sparse retrieval.", "categories": ["cs.IR"], "published": "2024-01-02 10:00:00"}"#

    func assertOneLineError(_ result: CLIRunner.Result, _ badCase: Case, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, badCase.status, "\(badCase.name): stderr: \(result.stderr)", file: file, line: line)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 2, "\(badCase.name): expected one stderr line, got: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.hasPrefix("papersearch: error: "), "\(badCase.name): \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(badCase.needle), "\(badCase.name): '\(badCase.needle)' not in: \(result.stderr)", file: file, line: line)
        XCTAssertLessThan(result.stderr.count, 1100, "\(badCase.name): message too long", file: file, line: line)
    }
}
