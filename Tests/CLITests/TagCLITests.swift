import Foundation
import XCTest

/// `papersearch tag` and `papersearch tags` as whole processes on the demo corpus index.
final class TagCLITests: XCTestCase {
    var directory: URL!
    var cli: CLIRunner!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ps-tag-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        cli = CLIRunner(database: directory.appendingPathComponent("db.sqlite").path)
        let corpus = SharedData.repository.appendingPathComponent("Data/demo-corpus.jsonl").path
        let imported = try cli.run(["import", corpus, "--quiet"])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let indexed = try cli.run(["index", "--quiet"])
        XCTAssertEqual(indexed.status, 0, indexed.stderr)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func json(_ result: CLIRunner.Result) throws -> Any {
        XCTAssertEqual(result.status, 0, result.stderr)
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    /// The untagged new week of the demo corpus (demo:0270...0300) gets human tags from the
    /// papers before it; the text output is compared with a golden file.
    func testNewWeekOfDemoCorpusMatchesGolden() throws {
        let result = try cli.run(["tag", "--since", "2023-10-02", "--tags-from", "human"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("31 papers (0 folded in from text) against "), result.stdout)
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Golden/tag-demo-week.txt")
        try GoldenFile.assertMatches(result.stdout, golden)
    }

    /// The real weekly digest on the demo index: none of its 10 papers is stored, so all are
    /// folded in from the digest text, and each gets tags with demo papers as evidence.
    func testDigestFoldedInWithEvidence() throws {
        // ../shared/data beside the repository, or two levels up for a worktree (/work/wt/NAME).
        let relative = "digest/2023-10-09-weekly-digest.txt"
        let worktree = SharedData.repository.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/data/\(relative)").path
        let digest = FileManager.default.fileExists(atPath: worktree) ? worktree : try SharedData.file(relative)
        let object = try json(try cli.run(["tag", digest, "--tags-from", "human", "--json"]))
        let report = try XCTUnwrap(object as? [String: Any])
        let papers = try XCTUnwrap(report["papers"] as? [[String: Any]])
        XCTAssertEqual(papers.count, 10)
        XCTAssertTrue((report["model"] as? String ?? "").hasPrefix("knn-k50@"))
        for paper in papers {
            XCTAssertEqual(paper["embedding"] as? String, "folded")
            let suggestions = try XCTUnwrap(paper["suggestions"] as? [[String: Any]])
            XCTAssertFalse(suggestions.isEmpty, "\(paper["id"] ?? "")")
            XCTAssertLessThanOrEqual(suggestions.count, 3)
            for suggestion in suggestions {
                let evidence = try XCTUnwrap(suggestion["evidence"] as? [[String: Any]])
                XCTAssertTrue((1...3).contains(evidence.count))
                XCTAssertTrue(evidence.allSatisfy { ($0["id"] as? String ?? "").hasPrefix("demo:") })
                let similarities = evidence.compactMap { $0["similarity"] as? Double }
                XCTAssertEqual(similarities, similarities.sorted(by: >))
            }
        }
        let text = try cli.run(["tag", digest, "--tags-from", "human"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertEqual(text.stdout.components(separatedBy: "[folded in]").count - 1, 10)
        XCTAssertTrue(text.stdout.contains("2310.03025  Retrieval meets Long Context Large Language Models"))
    }

    func testTagsAddListRemove() throws {
        XCTAssertEqual(try cli.run(["tags", "add", "demo:0270", "#rag", "instruct-tuning"]).stdout,
                       "added 2 human tags to demo:0270\n")
        let listed = try XCTUnwrap(try json(try cli.run(["tags", "list", "--paper", "demo:0270", "--json"])) as? [String: Any])
        let tags = try XCTUnwrap(listed["tags"] as? [[String: Any]])
        XCTAssertEqual(tags.compactMap { $0["tag"] as? String }, ["instruct-tuning", "rag", "cs.CL", "cs.IR"])
        XCTAssertEqual(tags.compactMap { $0["origin"] as? String }, ["human", "human", "arxiv-category", "arxiv-category"])
        // The text layout (the CLI's): tags padded to the longest, origins padded, trailing spaces trimmed.
        XCTAssertTrue(try cli.run(["tags", "list", "--paper", "demo:0270"]).stdout
            .hasPrefix("demo:0270: 4 tags\n  instruct-tuning  human\n  rag              human\n  cs.CL            arxiv-category\n"))
        let table = try cli.run(["tags", "list"]).stdout
        XCTAssertTrue(table.hasPrefix("tag") && table.split(separator: "\n").first?.hasSuffix("  papers   human  category  predicted") == true, table)
        let counts = try XCTUnwrap(try json(try cli.run(["tags", "list", "--json"])) as? [String: Any])
        let rows = try XCTUnwrap(counts["counts"] as? [[String: Any]])
        let rag = try XCTUnwrap(rows.first { $0["tag"] as? String == "rag" })
        XCTAssertEqual(rag["human"] as? Int, (rag["papers"] as? Int))
        XCTAssertEqual(try cli.run(["tags", "remove", "demo:0270", "rag"]).stdout, "removed 1 tags from demo:0270\n")
        let unknown = try cli.run(["tags", "add", "demo:9999", "x"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.hasPrefix("papersearch: error: paper 'demo:9999' is not in the index"), unknown.stderr)
        XCTAssertEqual(try cli.run(["tags", "add", "not an id", "x"]).status, 2)
        XCTAssertEqual(try cli.run(["tag", "--week", "2025-40"]).status, 2)
    }

    func testApplyStoresPredictionsAndKeepsHumanTags() throws {
        XCTAssertEqual(try cli.run(["tags", "add", "demo:0281", "rag"]).status, 0)
        let applied = try cli.run(["tag", "--since", "2023-10-02", "--tags-from", "human", "--apply"])
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertTrue(applied.stdout.contains("stored predicted tags of 31 papers as knn-k50@"), applied.stdout)
        let listed = try XCTUnwrap(try json(try cli.run(["tags", "list", "--paper", "demo:0281", "--json"])) as? [String: Any])
        let tags = try XCTUnwrap(listed["tags"] as? [[String: Any]])
        let human = tags.filter { $0["origin"] as? String == "human" }
        XCTAssertEqual(human.compactMap { $0["tag"] as? String }, ["rag"])
        XCTAssertEqual(human.first?["confidence"] as? Double, 1)
        let predicted = tags.filter { $0["origin"] as? String == "predicted" }
        XCTAssertFalse(predicted.isEmpty)
        XCTAssertFalse(predicted.contains { $0["tag"] as? String == "rag" })
        XCTAssertTrue(predicted.allSatisfy { ($0["model"] as? String ?? "").hasPrefix("knn-k50@") })
    }

    func testEvaluateReportsMetrics() throws {
        let object = try json(try cli.run([
            "tag", "--evaluate", "--since", "2023-07-01", "--until", "2023-09-30", "--tags-from", "human", "--json",
        ]))
        let report = try XCTUnwrap(object as? [String: Any])
        let metrics = try XCTUnwrap(report["metrics"] as? [String: Any])
        let papers = try XCTUnwrap(metrics["papers"] as? Int)
        XCTAssertGreaterThan(papers, 0)
        for key in ["microF1", "samplesF1", "precisionAt1"] {
            let value = try XCTUnwrap(metrics[key] as? Double, key)
            XCTAssertTrue((0...1).contains(value), key)
        }
    }
}
