import Foundation
import GRDB
import XCTest

/// Several `papersearch` processes on one database at once: creating and migrating a new file
/// is serialised, and every writer waits for the others (busy timeout) instead of failing.
final class ConcurrencyCLITests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ps-concurrency-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// One import's `--json` summary.
    struct Summary: Decodable {
        var records: Int
        var inserted: Int
        var updated: Int
        var unchanged: Int
        var skipped: Int
    }

    /// 8 first imports of the demo corpus started at once into a file that does not exist yet:
    /// all succeed, one inserts every paper and the other seven find them all unchanged.
    func testConcurrentFirstImportsIntoANewFileAllSucceed() throws {
        // A few rounds: the old races (two creators migrating, the O_EXCL probe) hit most rounds.
        for round in 0..<3 {
            try concurrentFirstImports(round: round)
        }
    }

    func concurrentFirstImports(round: Int) throws {
        let db = directory.appendingPathComponent("new-\(round).sqlite").path
        let corpus = SharedData.repository.appendingPathComponent("Data/demo-corpus.jsonl").path
        let corpusCount = try String(contentsOfFile: corpus, encoding: .utf8).split(separator: "\n").count
        let executable = try CLIRunner.executable()
        // A start line: each process first reads one byte from a FIFO, written once all 8 wait on it.
        let fifo = directory.appendingPathComponent("start-\(round)").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        var processes: [(Process, Pipe, Pipe)] = []
        for _ in 0..<8 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = [
                "-c", #"dd if="$0" bs=1 count=1 status=none > /dev/null && exec "$@""#, fifo,
                executable.path, "import", corpus, "--db", db, "--quiet", "--json",
            ]
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            processes.append((process, out, err))
        }
        for (process, _, _) in processes { try process.run() }
        usleep(300_000)
        let start = try XCTUnwrap(FileHandle(forWritingAtPath: fifo))
        start.write(Data(repeating: 0x2E, count: 8))
        defer { try? start.close() }
        var summaries: [Summary] = []
        for (index, (process, out, err)) in processes.enumerated() {
            // The outputs are small (one summary, at most one error line): reading them in turn cannot block.
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, "round \(round), import \(index): \(stderr)")
            XCTAssertEqual(stderr, "", "round \(round), import \(index)")
            if process.terminationStatus == 0 {
                summaries += try JSONDecoder().decode([Summary].self, from: stdout)
            }
        }
        XCTAssertEqual(summaries.count, 8)
        for summary in summaries {
            XCTAssertEqual(summary.records, corpusCount)
            XCTAssertEqual(summary.skipped, 0)
            XCTAssertEqual(summary.updated, 0)
            XCTAssertEqual(summary.inserted + summary.unchanged, corpusCount)
        }
        // Each file is one transaction and they run one after the other: the first inserts all.
        XCTAssertEqual(summaries.filter { $0.inserted == corpusCount }.count, 1, "\(summaries.map(\.inserted))")
        XCTAssertEqual(summaries.filter { $0.unchanged == corpusCount }.count, 7, "\(summaries.map(\.unchanged))")

        let fingerprint = try DatabaseFingerprint.of(db)
        XCTAssertEqual(fingerprint.integrity, "ok")
        XCTAssertEqual(fingerprint.count("papers"), corpusCount)
        XCTAssertEqual(fingerprint.count("grdb_migrations"), 4)
    }
}
