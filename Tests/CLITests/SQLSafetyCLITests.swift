import Foundation
import XCTest

/// Ids, titles and tags made of SQL metacharacters (quotes, `;`, `--`, `%`, `_`), NUL and
/// emoji go through import, tags add/remove/list, search filters and related as plain data:
/// nothing is spliced into SQL (every statement binds its values), so nothing is dropped,
/// matched by accident or corrupted.
final class SQLSafetyCLITests: XCTestCase {
    var directory: URL!
    var cli: CLIRunner!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ps-sql-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        cli = CLIRunner(database: directory.appendingPathComponent("db.sqlite").path)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    static let hostileIDs = [
        "x:it's", #"x:"quoted""#, "x:a;DROP-TABLE-papers;--", "x:1'OR'1'='1", "x:emoji😀🧪", "x:percent%_", "x:back\\slash",
    ]
    /// Tags cannot hold spaces (`tags add` and import refuse them), so the injections are spaceless.
    static let hostileTags = ["it's", "a;b", "--c", "x'OR'1'='1", "😀", "100%", "a_b", "';DROP-TABLE-tags;--"]

    func record(_ id: String, title: String, tags: [String], category: String) throws -> String {
        let object: [String: Any] = [
            "id": id, "version": 1, "title": title,
            "abstract": "Hostile strings about sqlinjection retrieval \(title)", "categories": [category],
            "published": "2024-01-05 10:00:00", "tags": tags,
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    func json(_ result: CLIRunner.Result) throws -> [String: Any] {
        XCTAssertEqual(result.status, 0, result.stderr)
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    func resultIDs(_ result: CLIRunner.Result) throws -> [String] {
        (try json(result)["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    func testHostileIDsTitlesAndTagsAreData() throws {
        let demo = SharedData.repository.appendingPathComponent("Data/demo-corpus.jsonl").path
        XCTAssertEqual(try cli.run(["import", "-q", demo]).status, 0)
        var lines: [String] = []
        for (i, id) in Self.hostileIDs.enumerated() {
            let title = "Robert'); DROP TABLE papers;-- \(i) \"quoted\" 😀 -- comment"
            lines.append(try record(id, title: title, tags: [Self.hostileTags[i % Self.hostileTags.count]], category: i == 0 ? "cs.X'Y" : "cs.IR"))
        }
        let file = directory.appendingPathComponent("hostile.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        let imported = try cli.run(["import", file.path, "--json"])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertTrue(imported.stdout.contains("\"inserted\" : \(Self.hostileIDs.count)"), imported.stdout)
        XCTAssertEqual(try cli.run(["index", "-q", "-k", "16"]).status, 0)
        XCTAssertEqual(try json(try cli.run(["info", "--json"]))["papers"] as? Int, 300 + Self.hostileIDs.count)

        // Every id resolves to itself, with its title intact.
        for (i, id) in Self.hostileIDs.enumerated() {
            let related = try json(try cli.run(["related", id, "--json", "-n", "3"]))
            XCTAssertEqual(related["query"] as? String, id)
            let tagList = try cli.run(["tags", "list", "--paper", id, "--json"])
            XCTAssertEqual(tagList.status, 0, "\(id): \(tagList.stderr)")
            XCTAssertTrue(tagList.stdout.contains(jsonEscaped(Self.hostileTags[i % Self.hostileTags.count])), "\(id): \(tagList.stdout)")
        }
        let hits = try json(try cli.run(["search", "sqlinjection", "--mode", "bm25", "--json", "-n", "50"]))
        let results = hits["results"] as? [[String: Any]] ?? []
        XCTAssertEqual(Set(results.compactMap { $0["id"] as? String }), Set(Self.hostileIDs))
        for result in results {
            XCTAssertTrue((result["title"] as? String ?? "").hasPrefix("Robert'); DROP TABLE papers;-- "), "\(result)")
        }

        // Tag filters match exactly one paper each, never all (no `' OR '1'='1`, no LIKE wildcards).
        for (i, tag) in Self.hostileTags.prefix(Self.hostileIDs.count).enumerated() {
            let ids = try resultIDs(try cli.run(["search", "sqlinjection", "--mode", "bm25", "--tag=\(tag)", "--json", "-n", "50"]))
            XCTAssertEqual(ids, [Self.hostileIDs[i]], "--tag \(tag)")
        }
        XCTAssertEqual(try resultIDs(try cli.run(["search", "sqlinjection", "--mode", "bm25", "--tag", "a%", "--json"])), [])
        XCTAssertEqual(try resultIDs(try cli.run(["search", "sqlinjection", "--mode", "bm25", "--category", "cs.X'Y", "--json"])), [Self.hostileIDs[0]])
        XCTAssertEqual(try resultIDs(try cli.run(["search", "sqlinjection", "--mode", "bm25", "--category", "cs.%", "--json"])), [])
        XCTAssertEqual(try resultIDs(try cli.run(["search", "sqlinjection", "--mode", "bm25", "--category", "cs._R", "--json"])), [])

        // tags add / remove / list with hostile tags on a hostile id.
        let target = Self.hostileIDs[3]
        let db = directory.appendingPathComponent("db.sqlite").path
        XCTAssertEqual(try cli.run(["tags", "add", "--db", db, target, "--"] + Self.hostileTags, noDB: true).status, 0)
        let listed = try cli.run(["tags", "list", "--paper", target, "--json"])
        for tag in Self.hostileTags { XCTAssertTrue(listed.stdout.contains(jsonEscaped(tag)), "\(tag) in \(listed.stdout)") }
        XCTAssertEqual(try cli.run(["tags", "remove", "--db", db, target, "--", "';DROP-TABLE-tags;--", "x'OR'1'='1", "--c"], noDB: true).status, 0)
        let after = try cli.run(["tags", "list", "--paper", target, "--json"])
        XCTAssertFalse(after.stdout.contains(jsonEscaped("';DROP-TABLE-tags;--")), after.stdout)
        XCTAssertFalse(after.stdout.contains(jsonEscaped("--c")), after.stdout)
        XCTAssertTrue(after.stdout.contains(jsonEscaped("it's")), after.stdout)
        let all = try cli.run(["tags", "list"])
        XCTAssertEqual(all.status, 0, all.stderr)
        XCTAssertTrue(all.stdout.contains("😀"))

        let fingerprint = try DatabaseFingerprint.of(directory.appendingPathComponent("db.sqlite").path)
        XCTAssertEqual(fingerprint.integrity, "ok")
        XCTAssertEqual(fingerprint.count("papers"), 300 + Self.hostileIDs.count)
    }

    /// A NUL inside a JSON string would be cut off by SQLite's C-string binding: it is a record
    /// error naming the field (the file rolls back), for ids, titles and tags alike.
    func testNULInFieldsIsARecordError() throws {
        for (name, id, title, tags) in [
            ("title", "2401.55555", "Before\u{0}after", ["ok"]),
            ("tags", "2401.55556", "Fine title", ["ta\u{0}g"]),
            ("id", "x:nul\u{0}id", "Fine title", ["ok"]),
            ("tags", "2401.55557", "Fine title", ["two words"]),
        ] {
            let file = directory.appendingPathComponent("nul-\(name).jsonl")
            try Data((BadInputCLITests.goodLine + "\n" + (try record(id, title: title, tags: tags, category: "cs.IR")) + "\n").utf8).write(to: file)
            let result = try cli.run(["import", file.path])
            XCTAssertEqual(result.status, 1, result.stderr)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains("nul-\(name).jsonl:2: field '\(name)'"), result.stderr)
            XCTAssertTrue(result.stderr.contains(tags == ["two words"] ? "expected tags without spaces" : "NUL character"), result.stderr)
        }
        XCTAssertEqual(try DatabaseFingerprint.of(directory.appendingPathComponent("db.sqlite").path).count("papers"), 0)
    }

    /// How `tag` appears inside pretty-printed JSON output.
    func jsonEscaped(_ tag: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [tag], options: [.withoutEscapingSlashes])) ?? Data()
        let text = String(decoding: data, as: UTF8.self)
        return String(text.dropFirst().dropLast())
    }
}
