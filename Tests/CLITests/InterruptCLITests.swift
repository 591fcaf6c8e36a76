import Foundation
import XCTest

/// SIGINT (Ctrl-C) and SIGTERM while `eval`, `import` and `index` work: the command ends with
/// exit status 130 / 143 (not death by signal), its progress line ended by a newline, eval's
/// temporary index gone, and the database exactly as before the command.
///
/// Progress is forced on through a pipe with PAPERSEARCH_PROGRESS=1; each test waits for a
/// progress line that shows the command is mid-way before it sends the signal.
final class InterruptCLITests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ps-interrupt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A started command whose stderr is collected as it comes.
    final class RunningCommand: @unchecked Sendable {
        let process: Process
        private let lock = NSLock()
        private var collected = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ process: Process) throws {
            self.process = process
            let err = Pipe()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = err
            try process.run()
            try err.fileHandleForWriting.close()
            Thread.detachNewThread { [self] in
                while true {
                    let chunk = err.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    lock.withLock { collected.append(chunk) }
                }
                done.signal()
            }
        }

        var stderr: Data { lock.withLock { collected } }
        var stderrText: String { String(decoding: stderr, as: UTF8.self) }

        /// Polls `condition` every 10 ms for up to `seconds` while the process runs.
        func wait(seconds: Double, until condition: () -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline && process.isRunning {
                if condition() { return true }
                usleep(10_000)
            }
            return condition()
        }

        /// Sends `signal`, waits for the process and the end of its stderr.
        func interrupt(_ signal: Int32) {
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            done.wait()
        }
    }

    func start(_ cli: CLIRunner, _ arguments: [String], noDB: Bool = false) throws -> RunningCommand {
        var cli = cli
        cli.environment["PAPERSEARCH_PROGRESS"] = "1"
        return try RunningCommand(try cli.process(arguments, noDB: noDB))
    }

    /// The exit status, the last stderr byte and the absence of an error line after `signal`.
    func assertInterrupted(_ command: RunningCommand, by signal: Int32, _ context: String,
                           file: StaticString = #filePath, line: UInt = #line) {
        let stderr = command.stderrText
        XCTAssertEqual(command.process.terminationReason, .exit, "\(context): ended by the signal itself", file: file, line: line)
        XCTAssertEqual(command.process.terminationStatus, 128 + signal, context, file: file, line: line)
        XCTAssertEqual(command.stderr.last, UInt8(ascii: "\n"), "\(context): progress line not ended: \(stderr.suffix(200).debugDescription)", file: file, line: line)
        XCTAssertFalse(stderr.contains("papersearch: error"), "\(context): \(stderr.suffix(300))", file: file, line: line)
    }

    func testSIGINTDuringEvalRemovesTheTemporaryIndex() throws {
        let dataset = try SharedData.file("scifact")
        let temporary = path("tmp")
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        var cli = CLIRunner(database: "")
        cli.environment["TMPDIR"] = temporary
        let command = try start(cli, ["eval", dataset, "-k", "16"], noDB: true)
        // Mid-index: the temporary database holds the imported corpus and the fit has begun.
        let busy = command.wait(seconds: 120) {
            command.stderrText.contains("tf-idf")
                && ((try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []).contains { $0.hasSuffix(".sqlite-wal") }
        }
        XCTAssertTrue(busy, "eval never got busy: \(command.stderrText.suffix(300))")
        command.interrupt(SIGINT)
        assertInterrupted(command, by: SIGINT, "eval")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temporary), [], "temporary files left behind")
    }

    func testSIGINTDuringImportLeavesTheDatabaseAsBefore() throws {
        var corpus = SyntheticCorpus(seed: 31)
        try corpus.write(count: 1500, idPrefix: "2401", to: path("base.jsonl"))
        // Progress is reported every 5,000 records: the first report comes mid-transaction.
        try corpus.write(count: 20_000, idPrefix: "2402", to: path("extra.jsonl"))
        let db = path("db.sqlite")
        let cli = CLIRunner(database: db)
        XCTAssertEqual(try cli.run(["import", "-q", path("base.jsonl")]).status, 0)
        let before = try DatabaseFingerprint.of(db)
        XCTAssertEqual(before.count("papers"), 1500)

        let command = try start(cli, ["import", path("extra.jsonl")])
        let busy = command.wait(seconds: 120) { command.stderrText.contains("records") }
        XCTAssertTrue(busy, "import never reported progress: \(command.stderrText.suffix(300))")
        command.interrupt(SIGINT)
        assertInterrupted(command, by: SIGINT, "import")
        XCTAssertEqual(try DatabaseFingerprint.of(db), before)
    }

    func testSIGTERMWhileIndexWritesKeepsTheOldModel() throws {
        var corpus = SyntheticCorpus(seed: 37)
        try corpus.write(count: 1500, idPrefix: "2401", to: path("base.jsonl"))
        // Enough rows that writing the new model's embeddings takes a few progress updates.
        try corpus.write(count: 16_000, idPrefix: "2402", to: path("extra.jsonl"))
        let db = path("db.sqlite")
        let cli = CLIRunner(database: db)
        let options = ["-k", "16", "--oversampling", "4", "--power-iterations", "1"]
        XCTAssertEqual(try cli.run(["import", "-q", path("base.jsonl")]).status, 0)
        XCTAssertEqual(try cli.run(["index", "-q"] + options).status, 0)
        XCTAssertEqual(try cli.run(["import", "-q", path("extra.jsonl")]).status, 0)
        let before = try DatabaseFingerprint.of(db)

        // A refit stopped while it writes the new model inside its transaction: 0% is reported
        // once the old model's rows are deleted, and below 90% the commit is still ahead.
        let command = try start(cli, ["index"] + options)
        let busy = command.wait(seconds: 120) { Self.writingShare(command.stderrText).map { $0 < 90 } ?? false }
        XCTAssertTrue(busy, "index never showed its model half-written: \(command.stderrText.suffix(300))")
        print("interrupt: index stopped at \(Self.writingShare(command.stderrText) ?? -1)% of writing its model")
        command.interrupt(SIGTERM)
        assertInterrupted(command, by: SIGTERM, "index")
        XCTAssertEqual(try DatabaseFingerprint.of(db), before)
    }

    /// The percentage of the last `writing model (N%)` progress message, if any.
    static func writingShare(_ stderr: String) -> Int? {
        guard let range = stderr.range(of: "writing model (", options: .backwards) else { return nil }
        return Int(stderr[range.upperBound...].prefix { $0.isNumber })
    }
}
