import Foundation
import GRDB
import XCTest

/// `papersearch import`, `index` and `add` killed with SIGKILL at seeded random moments, and
/// readers and a second writer running during a full re-index. After every kill the database
/// must open, pass `PRAGMA integrity_check`, hold either all or none of the file's papers, and
/// answer queries from one complete model: the old one or the new one, never a mix.
final class CrashSafetyCLITests: XCTestCase {
    var directory: URL!

    /// 1,500 papers indexed (k=8), then 1,200 more for import/add: a debug run of each command
    /// lasts a few tenths of a second or more, and the kills are spread over its measured length.
    static let baseCount = 1500
    static let extraCount = 1200
    /// A small, quick model (the debug build's SVD dominates otherwise).
    static let indexOptions = ["-k", "8", "--oversampling", "4", "--power-iterations", "1"]

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ps-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// What one kill may leave: a complete model whose rows match its metadata, queries work.
    struct ModelState: Equatable {
        var papers: Int
        var createdAt: String
        var rowCount: Int
        var fittedCount: Int
    }

    /// Checks the database after a kill and returns its state.
    func checkAfterKill(_ db: String, context: String) throws -> ModelState {
        let fingerprint = try DatabaseFingerprint.of(db)
        XCTAssertEqual(fingerprint.integrity, "ok", context)
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: db, configuration: configuration)
        defer { try? queue.close() }
        let state = try queue.read { db -> ModelState in
            let papers = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM papers") ?? -1
            let metadataText = try String.fetchOne(db, sql: "SELECT metadata FROM lsa_model WHERE id = 1") ?? "{}"
            let metadata = try JSONSerialization.jsonObject(with: Data(metadataText.utf8)) as? [String: Any] ?? [:]
            let rowCount = metadata["rowCount"] as? Int ?? -1
            // The artefacts must describe exactly the rows the metadata names.
            let chunkRows = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(row_count), 0) FROM doc_chunks") ?? -1
            let codeRows = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(row_count), 0) FROM doc_codes") ?? -1
            XCTAssertEqual(chunkRows, rowCount, "\(context): doc_chunks rows vs model rowCount")
            XCTAssertEqual(codeRows, rowCount, "\(context): doc_codes rows vs model rowCount")
            let singular = try Data.fetchOne(db, sql: "SELECT singular_values FROM lsa_model WHERE id = 1")?.count ?? 0
            XCTAssertEqual(singular, 4 * (metadata["k"] as? Int ?? -1), "\(context): singular values vs k")
            return ModelState(
                papers: papers, createdAt: metadata["createdAt"] as? String ?? "", rowCount: rowCount,
                fittedCount: metadata["fittedCount"] as? Int ?? -1)
        }
        let cli = CLIRunner(database: db)
        for arguments in [["search", "--json", "-n", "3", Self.queryWord]] {
            let result = try cli.run(arguments)
            XCTAssertEqual(result.status, 0, "\(context): \(arguments): \(result.stderr)")
            if arguments.contains("--json") { XCTAssertTrue(result.stdout.contains("\"rank\" : 3"), "\(context): \(result.stdout.prefix(300))") }
        }
        return state
    }

    /// A word of the synthetic vocabulary that occurs in many papers.
    nonisolated(unsafe) static var queryWord = "bake"

    /// Runs `arguments`, kills it with SIGKILL after `delay` seconds (unless it ended), returns whether it was killed.
    func runAndKill(_ arguments: [String], db: String, after delay: Double) throws -> Bool {
        let process = Process()
        process.executableURL = try CLIRunner.executable()
        process.arguments = arguments + ["--db", db, "--quiet"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(delay)
        while process.isRunning && Date() < deadline { usleep(2000) }
        let killed = process.isRunning
        if killed { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return killed
    }

    /// Copies the database file (after its writer closed, so there is no WAL).
    func copy(_ source: String, to target: String) throws {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: target + suffix) }
        try FileManager.default.copyItem(atPath: source, toPath: target)
    }

    func timed(_ body: () throws -> Void) rethrows -> Double {
        let start = Date()
        try body()
        return Date().timeIntervalSince(start)
    }

    func testSIGKILLDuringImportIndexAndAddLeavesOldOrNewCompleteModel() throws {
        var corpus = SyntheticCorpus(seed: 7)
        try corpus.write(count: Self.baseCount, idPrefix: "2401", to: path("base.jsonl"))
        try corpus.write(count: Self.extraCount, idPrefix: "2402", to: path("extra.jsonl"))
        Self.queryWord = try mostCommonWord(path("base.jsonl"))

        // Reference states, each timed to place the kills.
        let base = path("base.sqlite")
        let cli = CLIRunner(database: base)
        XCTAssertEqual(try cli.run(["import", "-q", path("base.jsonl")]).status, 0)
        XCTAssertEqual(try cli.run(["index", "-q"] + Self.indexOptions).status, 0)
        let old = try checkAfterKill(base, context: "base")
        XCTAssertEqual(old.papers, Self.baseCount)

        let imported = path("imported.sqlite")
        try copy(base, to: imported)
        let importTime = try timed { XCTAssertEqual(try CLIRunner(database: imported).run(["import", "-q", path("extra.jsonl")]).status, 0) }
        let reindexed = path("reindexed.sqlite")
        try copy(imported, to: reindexed)
        let indexTime = try timed { XCTAssertEqual(try CLIRunner(database: reindexed).run(["index", "-q"] + Self.indexOptions).status, 0) }
        let newIndex = try checkAfterKill(reindexed, context: "full re-index")
        XCTAssertEqual(newIndex.fittedCount, Self.baseCount + Self.extraCount)
        let added = path("added.sqlite")
        try copy(base, to: added)
        let addTime = try timed { XCTAssertEqual(try CLIRunner(database: added).run(["add", "-q", path("extra.jsonl")]).status, 0) }
        let newAdd = try checkAfterKill(added, context: "full add")
        XCTAssertEqual(newAdd.rowCount, Self.baseCount + Self.extraCount)

        print("crash trials: full import \(importTime) s, index \(indexTime) s, add \(addTime) s")
        var random = SyntheticCorpus(seed: 2026)
        var trials = 0, killedMidway = 0
        let total = Self.baseCount + Self.extraCount
        for (command, start, duration) in [("import", base, importTime), ("index", imported, indexTime), ("add", base, addTime)] {
            for trial in 0..<7 {
                let db = path("trial.sqlite")
                try copy(start, to: db)
                // Uniform over the whole run, from the first milliseconds to its very end.
                let delay = duration * (0.02 + 0.96 * Double(random.below(1000)) / 1000)
                let arguments: [String]
                switch command {
                case "import": arguments = ["import", path("extra.jsonl")]
                case "index": arguments = ["index"] + Self.indexOptions
                default: arguments = ["add", path("extra.jsonl")]
                }
                let killed = try runAndKill(arguments, db: db, after: delay)
                trials += 1
                if killed { killedMidway += 1 }
                let context = "\(command) trial \(trial) killed after \(String(format: "%.2f", delay)) s (killed: \(killed))"
                let state = try checkAfterKill(db, context: context)
                switch command {
                case "import":
                    XCTAssertTrue([Self.baseCount, total].contains(state.papers), "\(context): \(state.papers) papers")
                    XCTAssertEqual(state.createdAt, old.createdAt, "\(context): import must not touch the model")
                case "index":
                    XCTAssertEqual(state.papers, total, context)
                    let isOld = state == ModelState(papers: total, createdAt: old.createdAt, rowCount: old.rowCount, fittedCount: old.fittedCount)
                    let isNew = state.rowCount == total && state.fittedCount == total
                        && state.createdAt != old.createdAt
                    XCTAssertTrue(isOld || isNew, "\(context): \(state)")
                default:
                    // add imports then folds in: either step may be lost, never half of one.
                    XCTAssertTrue([Self.baseCount, total].contains(state.papers), "\(context): \(state.papers) papers")
                    let isOld = state.createdAt == old.createdAt && state.rowCount == old.rowCount
                    let isNew = state.createdAt == old.createdAt && state.rowCount == total && state.papers == total
                    XCTAssertTrue(isOld || isNew, "\(context): \(state)")
                }
            }
        }
        XCTAssertGreaterThanOrEqual(trials, 20)
        print("crash trials: \(trials), killed mid-way: \(killedMidway)")
        XCTAssertGreaterThanOrEqual(killedMidway, 12, "most kills must land while the command runs")
    }

    func testReadersDuringReindexSeeOneCompleteModelAndASecondWriterWaitsOrFailsClearly() throws {
        var corpus = SyntheticCorpus(seed: 11)
        try corpus.write(count: Self.baseCount, idPrefix: "2401", to: path("base.jsonl"))
        try corpus.write(count: 200, idPrefix: "2403", to: path("second.jsonl"))
        Self.queryWord = try mostCommonWord(path("base.jsonl"))
        let db = path("db.sqlite")
        let cli = CLIRunner(database: db)
        XCTAssertEqual(try cli.run(["import", "-q", path("base.jsonl")]).status, 0)
        XCTAssertEqual(try cli.run(["index", "-q"] + Self.indexOptions).status, 0)
        let before = try checkAfterKill(db, context: "before")

        let writer = Process()
        writer.executableURL = try CLIRunner.executable()
        writer.arguments = ["index", "--seed", "99", "--db", db, "--quiet"] + Self.indexOptions
        writer.standardOutput = FileHandle.nullDevice
        writer.standardError = FileHandle.nullDevice
        try writer.run()

        // A second writer while the first one runs.
        let second = try cli.run(["import", path("second.jsonl")])
        if second.status != 0 {
            XCTAssertEqual(second.stderr.split(separator: "\n").count, 1, second.stderr)
            XCTAssertTrue(second.stderr.hasPrefix("papersearch: error: database"), second.stderr)
        }

        var reads = 0
        var modelsSeen = Set<String>()
        repeat {
            let result = try cli.run(["search", "--json", "-n", "5", Self.queryWord])
            XCTAssertEqual(result.status, 0, "reader \(reads): \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("\"rank\" : 5"), "reader \(reads): \(result.stdout.prefix(300))")
            let info = try cli.run(["info", "--json"])
            XCTAssertEqual(info.status, 0, info.stderr)
            let object = try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any]
            let model = (object?["index"] as? [String: Any])?["model"] as? [String: Any]
            modelsSeen.insert("\(model?["created"] ?? "?") seed \(model?["seed"] ?? "?")")
            reads += 1
        } while writer.isRunning
        print("concurrency: \(reads) reads during the re-index, second writer status \(second.status), models seen \(modelsSeen)")
        writer.waitUntilExit()
        XCTAssertEqual(writer.terminationStatus, 0)
        XCTAssertGreaterThan(reads, 0)
        XCTAssertLessThanOrEqual(modelsSeen.count, 2, "only the old and the new model: \(modelsSeen)")
        let after = try checkAfterKill(db, context: "after")
        XCTAssertEqual(after.rowCount, after.fittedCount)
        XCTAssertTrue([before.papers, before.papers + 200].contains(after.papers))
    }

    /// A second writer waits for the lock (busy timeout 10 s): it succeeds when the first
    /// writer finishes in time and fails with one clear line when it does not; either way the
    /// database stays whole.
    func testSecondWriterWaitsForTheLockThenFailsWithOneLine() throws {
        let db = path("locked.sqlite")
        let cli = CLIRunner(database: db)
        let corpus = SharedData.repository.appendingPathComponent("Data/demo-corpus.jsonl").path
        XCTAssertEqual(try cli.run(["import", "-q", corpus]).status, 0)
        let file = path("one.jsonl")
        try Data((BadInputCLITests.goodLine + "\n").utf8).write(to: URL(fileURLWithPath: file))

        var holding = Configuration()
        holding.allowsUnsafeTransactions = true  // the lock stays held between the accesses below
        let holder = try DatabaseQueue(path: db, configuration: holding)
        defer { try? holder.close() }
        // Held for 1.5 s: the import waits, then goes through.
        try holder.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }
        let waiting = Process()
        waiting.executableURL = try CLIRunner.executable()
        waiting.arguments = ["import", file, "--db", db, "--quiet"]
        waiting.standardOutput = FileHandle.nullDevice
        try waiting.run()
        usleep(1_500_000)
        XCTAssertTrue(waiting.isRunning, "the second writer must wait for the lock")
        try holder.inDatabase { try $0.execute(sql: "ROLLBACK") }
        waiting.waitUntilExit()
        XCTAssertEqual(waiting.terminationStatus, 0)
        let before = try DatabaseFingerprint.of(db)
        XCTAssertEqual(before.count("papers"), 301)

        // Held past the 10 s busy timeout: one line, exit 1, nothing written.
        try holder.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }
        let second = try cli.run(["import", BadInputCLITests.fixture("duplicate-ids.jsonl")])
        try holder.inDatabase { try $0.execute(sql: "ROLLBACK") }
        XCTAssertEqual(second.status, 1)
        XCTAssertEqual(second.stderr, "papersearch: error: database '\(db)': database is locked\n")
        XCTAssertEqual(try DatabaseFingerprint.of(db), before)
    }

    /// The word in the most lines of `path`'s first 500 lines (a query that always has hits).
    func mostCommonWord(_ path: String) throws -> String {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var counts: [String: Int] = [:]
        for line in text.split(separator: "\n").prefix(500) {
            for word in Set(line.split(separator: " ").map(String.init)) where word.allSatisfy(\.isLetter) && word.count > 4 {
                counts[word, default: 0] += 1
            }
        }
        return counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? "bake"
    }
}
