import Foundation
import XCTest

/// Evaluations that cannot silently measure nothing: `eval --db` on an index without the dataset's
/// documents and `tag --evaluate` over a period without (tagged) papers are one-line errors, exit 1,
/// and print no figures.
final class EvaluationCLITests: XCTestCase {
    var directory: URL!
    var cli: CLIRunner!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ps-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        cli = CLIRunner(database: directory.appendingPathComponent("demo.sqlite").path)
        let corpus = SharedData.repository.appendingPathComponent("Data/demo-corpus.jsonl").path
        XCTAssertEqual(try cli.run(["import", corpus, "--quiet"]).status, 0)
        XCTAssertEqual(try cli.run(["index", "-k", "16", "--quiet"]).status, 0)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func assertOneLineError(_ result: CLIRunner.Result, contains needles: [String],
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr, file: file, line: line)
        XCTAssertEqual(result.stdout, "", file: file, line: line)
        XCTAssertTrue(result.stderr.hasPrefix("papersearch: error: "), result.stderr, file: file, line: line)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, result.stderr, file: file, line: line)
        for needle in needles {
            XCTAssertTrue(result.stderr.contains(needle), "'\(needle)' not in: \(result.stderr)", file: file, line: line)
        }
    }

    func testEvalOnAnIndexWithoutTheDatasetIsAnError() throws {
        let scifact = (try SharedData.file("scifact/corpus.jsonl") as NSString).deletingLastPathComponent
        let result = try cli.run(["eval", scifact, "--quiet"])
        // SciFact test: 283 distinct judged documents, none in the demo index.
        assertOneLineError(result, contains: ["cannot rank 283 of the 283 judged documents", cli.database, "scifact:"])
    }

    func testTagEvaluateOverAnEmptyPeriodIsAnError() throws {
        // The demo corpus ends in October 2023.
        assertOneLineError(try cli.run(["tag", "--evaluate", "--since", "2025-10-01"]), contains: ["since 2025-10-01"])
        assertOneLineError(try cli.run(["tag", "--evaluate", "--since", "2025-10-01", "--until", "2025-10-07"]),
                           contains: ["2025-10-01 to 2025-10-07"])
        // The demo corpus's last week has papers but no human tags.
        assertOneLineError(try cli.run(["tag", "--evaluate", "--since", "2023-10-02", "--tags-from", "human"]),
                           contains: ["since 2023-10-02", "31 papers, none with a tag from human"])
        // A period with tagged papers still evaluates.
        let measured = try cli.run(["tag", "--evaluate", "--since", "2023-09-01", "--tags-from", "human"])
        XCTAssertEqual(measured.status, 0, measured.stderr)
        XCTAssertTrue(measured.stdout.contains("micro-F1"), measured.stdout)
    }
}
