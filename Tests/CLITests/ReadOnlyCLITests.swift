import Foundation
import GRDB
import XCTest

/// Read-only commands never write: not on a current index, not on one of an older schema
/// (which they refuse, naming `papersearch upgrade`); and store errors name the real file.
final class ReadOnlyCLITests: XCTestCase {
    var directory: URL!

    /// A small, quick model.
    static let indexOptions = ["-k", "8", "--oversampling", "4", "--power-iterations", "1"]
    static let corpus = SharedData.repository.appendingPathComponent("Data/demo-corpus.jsonl").path

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ps-readonly-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// The demo corpus imported (and indexed when `index`) into a new file.
    func demoIndex(_ name: String, index: Bool = true) throws -> (db: String, cli: CLIRunner) {
        let db = path(name)
        let cli = CLIRunner(database: db)
        let imported = try cli.run(["import", "-q", Self.corpus])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        if index {
            let indexed = try cli.run(["index", "-q"] + Self.indexOptions)
            XCTAssertEqual(indexed.status, 0, indexed.stderr)
        }
        try checkpoint(db)
        return (db, cli)
    }

    /// Moves everything from the WAL into the main file and empties the WAL (a writer process
    /// that exits leaves its WAL), so the main file alone holds the database.
    func checkpoint(_ db: String) throws {
        let queue = try DatabaseQueue(path: db)
        try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
        let wal = (try? FileManager.default.attributesOfItem(atPath: db + "-wal")[.size] as? Int) ?? 0
        XCTAssertEqual(wal, 0)
    }

    /// The main file's bytes and the recorded migrations (read without touching the file).
    func snapshot(_ db: String) throws -> (bytes: Data, migrations: [String]) {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: db))
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: db, configuration: configuration)
        defer { try? queue.close() }
        let migrations = try queue.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") }
        return (bytes, migrations)
    }

    /// Asserts that the main file is byte-identical to `before` and no frame went to the WAL.
    func assertUnchanged(_ db: String, _ before: (bytes: Data, migrations: [String]), _ context: String,
                         file: StaticString = #filePath, line: UInt = #line) throws {
        let after = try snapshot(db)
        XCTAssertEqual(after.bytes.count, before.bytes.count, context, file: file, line: line)
        XCTAssertTrue(after.bytes == before.bytes, "\(context): the main file changed", file: file, line: line)
        XCTAssertEqual(after.migrations, before.migrations, context, file: file, line: line)
        let wal = (try? FileManager.default.attributesOfItem(atPath: db + "-wal")[.size] as? Int) ?? 0
        XCTAssertEqual(wal, 0, "\(context): frames written to the WAL", file: file, line: line)
    }

    /// The read-only invocations of every read command.
    func readCommands() throws -> [[String]] {
        let input = path("new.jsonl")
        try Data("""
            {"id": "2401.00001", "version": 1, "title": "Retrieval for long context language models", "abstract": "We study retrieval augmented generation with long context language models.", "categories": ["cs.CL"], "primary_category": "cs.CL", "published": "2024-01-02 10:00:00"}

            """.utf8).write(to: URL(fileURLWithPath: input))
        return [
            ["long context retrieval"], ["search", "--json", "-n", "3", "--mode", "bm25", "language"],
            ["search", "--mode", "lsa", "language"], ["related", "demo:0001"], ["info"], ["info", "--json"],
            ["topics", "-n", "3"], ["tags", "list"], ["tag", input], ["tag", "--since", "1990-01-01"],
        ]
    }

    func testReadCommandsLeaveTheFileByteIdentical() throws {
        let (db, cli) = try demoIndex("current.sqlite")
        let before = try snapshot(db)
        XCTAssertEqual(before.migrations.count, 4)
        for arguments in try readCommands() {
            let result = try cli.run(arguments)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
            try assertUnchanged(db, before, "\(arguments)")
        }
    }

    /// An index of an older schema: the demo papers in a file whose last migration
    /// (`v4-postings-format`) is undone, as papersearch before that migration left it.
    func olderSchemaIndex(_ name: String) throws -> (db: String, cli: CLIRunner) {
        let (db, cli) = try demoIndex(name, index: false)
        let queue = try DatabaseQueue(path: db)
        try queue.write { db in
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v4-postings-format'")
            try db.execute(sql: "ALTER TABLE postings DROP COLUMN format")
        }
        try queue.close()
        try checkpoint(db)
        return (db, cli)
    }

    func testOlderSchemaIsRefusedByReadCommandsUntouchedThenUpgraded() throws {
        let (db, cli) = try olderSchemaIndex("old.sqlite")
        let before = try snapshot(db)
        XCTAssertEqual(before.migrations.count, 3)
        let expected = "papersearch: error: index '\(db)' has schema 3, this papersearch needs 4; "
            + "upgrade it with 'papersearch --db \(db) upgrade'\n"
        for arguments in try readCommands() {
            let result = try cli.run(arguments)
            XCTAssertEqual(result.status, 1, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stderr, expected, "\(arguments)")
            try assertUnchanged(db, before, "\(arguments)")
        }

        let upgraded = try cli.run(["upgrade"])
        XCTAssertEqual(upgraded.status, 0, upgraded.stderr)
        XCTAssertEqual(upgraded.stdout, "upgraded '\(db)' from schema 3 to 4: applied v4-postings-format\n")
        XCTAssertEqual(try snapshot(db).migrations.count, 4)
        let info = try cli.run(["info", "--json"])
        XCTAssertEqual(info.status, 0, info.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(object?["papers"] as? Int, 300)
        XCTAssertEqual(try cli.run(["index", "-q"] + Self.indexOptions).status, 0)
        let search = try cli.run(["search", "--json", "-n", "3", "language"])
        XCTAssertEqual(search.status, 0, search.stderr)
        XCTAssertTrue(search.stdout.contains("\"rank\" : 3"), search.stdout)

        let again = try cli.run(["upgrade", "--json"])
        XCTAssertEqual(again.status, 0, again.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(report?["fromVersion"] as? Int, 4)
        XCTAssertEqual(report?["toVersion"] as? Int, 4)
        XCTAssertEqual(report?["applied"] as? [String], [])
        XCTAssertEqual(report?["path"] as? String, db)
    }

    /// Write commands still migrate an older file when they open it.
    func testWriteCommandMigratesAnOlderSchema() throws {
        let (db, cli) = try olderSchemaIndex("old-write.sqlite")
        let result = try cli.run(["tags", "add", "demo:0001", "reading-group"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try snapshot(db).migrations.count, 4)
    }

    func testUpgradeOfAMissingFileIsNoIndex() throws {
        let db = path("missing.sqlite")
        let result = try CLIRunner(database: db).run(["upgrade"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("papersearch: error: no index in '\(db)'"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: db))
    }

    /// Errors found while reading the model's artefacts name the database file.
    func testDamagedArtefactErrorsNameTheDatabase() throws {
        let (db, cli) = try demoIndex("damaged.sqlite")
        let queue = try DatabaseQueue(path: db)
        try queue.write { db in
            try db.execute(sql: "UPDATE postings SET format = 7")
            try db.execute(sql: "DELETE FROM doc_code_blocks WHERE block = (SELECT MAX(block) FROM doc_code_blocks)")
        }
        try queue.close()

        let bm25 = try cli.run(["search", "--mode", "bm25", "language"])
        XCTAssertEqual(bm25.status, 1)
        XCTAssertTrue(bm25.stderr.hasPrefix("papersearch: error: database '\(db)': unreadable postings of term "), bm25.stderr)
        XCTAssertTrue(bm25.stderr.hasSuffix("(format 7); rebuild with `papersearch index`\n"), bm25.stderr)

        let lsa = try cli.run(["search", "--mode", "lsa", "language"])
        XCTAssertEqual(lsa.status, 1)
        XCTAssertTrue(lsa.stderr.hasPrefix("papersearch: error: database '\(db)': doc_code_blocks holds "), lsa.stderr)
        XCTAssertFalse(lsa.stderr.contains("database ''"), lsa.stderr)
    }
}
