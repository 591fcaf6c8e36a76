import Foundation
import XCTest
@testable import Core
@testable import Formats


/// Reads the real files of /work/shared/data (skipped when they are absent).
final class IngestSharedDataTests: XCTestCase {
    private static let dataRoot = ProcessInfo.processInfo.environment["PAPERSEARCH_SHARED_DATA"] ?? "/work/shared/data"

    private func sharedFile(_ relative: String) throws -> String {
        let path = (Self.dataRoot as NSString).appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("shared data file \(path) is absent")
        }
        return path
    }

    /// Golden expectation, checked by reading the digest: id, English title, hashtags.
    private static let digestGolden: [(id: String, title: String, tags: [String])] = [
        ("2310.02207", "Language Models Represent Space and Time", ["llm", "llama2"]),
        (
            "2310.03025", "Retrieval meets Long Context Large Language Models",
            ["llama", "llama2-7b-32k-context", "llama2-long", "100k-context-window", "streamingllm"]
        ),
        ("2309.17453", "Efficient Streaming Language Models with Attention Sinks", ["streamingllm"]),
        ("2307.08197", "Towards Self-Assembling Artificial Neural Networks through Neural Developmental Programs", []),
        ("2309.17421", "The Dawn of LMMs: Preliminary Explorations with GPT-4V(ision)", ["multimodal", "gpt-4v"]),
        ("2310.02226", "Think before you speak: Training Language Models With Pause Tokens", ["pause-for-thought"]),
        (
            "2310.02304", "Self-Taught Optimizer (STOP): Recursively Self-Improving Code Generation",
            ["self-training-survey-paper"]
        ),
        ("2310.01352", "RA-DIT: Retrieval-Augmented Dual Instruction Tuning", ["rag", "instruct-tuning"]),
        ("2310.02992", "Kosmos-G: Generating Images in Context with Multimodal Large Language Models", ["multimodal"]),
        ("2310.01714", "Large Language Models as Analogical Reasoners", ["llm-reasoning", "chain-of-thought"]),
    ]

    func testRealDigest() throws {
        let path = try sharedFile("digest/2023-10-09-weekly-digest.txt")
        var reader = try PaperFileReader(path: path)
        XCTAssertEqual(reader.format, .digest)
        XCTAssertEqual(reader.digestDate, "2023-10-09")
        var papers: [Paper] = []
        while let paper = try reader.next() { papers.append(paper) }
        XCTAssertEqual(papers.count, 10)
        XCTAssertEqual(papers.map(\.id), Self.digestGolden.map(\.id))
        XCTAssertEqual(papers.map(\.title), Self.digestGolden.map(\.title))
        XCTAssertEqual(papers.map(\.tags), Self.digestGolden.map(\.tags))
        for paper in papers {
            XCTAssertEqual(paper.source, .digest)
            XCTAssertNil(paper.published)
            XCTAssertFalse(paper.abstract.unicodeScalars.contains(where: DigestParser.isJapanese), paper.id)
            XCTAssertFalse(paper.abstract.hasPrefix(">"), paper.id)
            XCTAssertGreaterThan(paper.abstract.count, 500, paper.id)
        }
        XCTAssertTrue(papers[0].abstract.hasPrefix("The capabilities of large language models (LLMs) have sparked debate"))
        XCTAssertTrue(papers[0].abstract.hasSuffix("but literal world models."))
        // Paper 2 quotes its English abstract with "> ", paper 9 is under 論文要約.
        XCTAssertTrue(papers[1].abstract.hasPrefix("Extending the context window of large language models"))
        XCTAssertTrue(papers[8].abstract.hasSuffix("\"image as a foreign language in image generation.\""))
    }

    func testDigestTitlesMatchDemoIDs() throws {
        let digest = try sharedFile("digest/2023-10-09-weekly-digest.txt")
        let tsv = try String(contentsOfFile: sharedFile("arxiv/demo_ids.tsv"), encoding: .utf8)
        var reader = try PaperFileReader(path: digest)
        var titles: [String: String] = [:]
        while let paper = try reader.next() { titles[paper.id] = paper.title }
        var present = 0
        for row in tsv.split(separator: "\n").dropFirst() {
            let columns = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            XCTAssertNotNil(titles[columns[0]], "demo id \(columns[0]) is in the digest")
            if columns[1] == "yes" {
                present += 1
                XCTAssertEqual(titles[columns[0]], columns[4])
            }
        }
        XCTAssertEqual(present, 8)
    }

    func testSciFactCorpus() throws {
        let path = try sharedFile("scifact/corpus.jsonl")
        var reader = try PaperFileReader(path: path)
        XCTAssertEqual(reader.format, .beir)
        XCTAssertEqual(reader.namespace, "scifact")
        var count = 0
        var ids = Set<String>()
        var first: Paper?
        while let paper = try reader.next() {
            count += 1
            ids.insert(paper.id)
            if first == nil { first = paper }
            XCTAssertTrue(paper.id.hasPrefix("scifact:"))
        }
        XCTAssertEqual(count, 5183)
        XCTAssertEqual(ids.count, 5183)
        XCTAssertEqual(first?.id, "scifact:4983")
        XCTAssertEqual(
            first?.title,
            "Microstructural development of human newborn cerebral white matter assessed in vivo by diffusion tensor magnetic resonance imaging."
        )
        XCTAssertEqual(first?.source, .beir)
    }

    func testArxivSampleStart() throws {
        let path = try sharedFile("arxiv/arxiv_ml_papers.jsonl.gz")
        var reader = try PaperFileReader(path: path)
        XCTAssertEqual(reader.format, .arxiv)
        var papers: [Paper] = []
        while papers.count < 2000, let paper = try reader.next() { papers.append(paper) }
        XCTAssertEqual(papers.count, 2000)
        XCTAssertEqual(papers[0].id, "0909.0635")
        XCTAssertEqual(papers[0].version, 1)
        XCTAssertEqual(papers[0].title, "Advances in Feature Selection with Mutual Information")
        XCTAssertEqual(papers[0].categories, ["cs.LG", "cs.IT"])
        XCTAssertEqual(papers[0].published, "2009-09-03 12:04:57")
        XCTAssertTrue(papers.allSatisfy { $0.source == .arxivJSONL && $0.primaryCategory != nil && $0.published != nil })
        XCTAssertEqual(reader.currentLine, 2000)
    }

    /// The whole 151 MB sample; set PAPERSEARCH_SLOW_TESTS=1 to run it.
    func testWholeArxivSample() throws {
        guard ProcessInfo.processInfo.environment["PAPERSEARCH_SLOW_TESTS"] == "1" else {
            throw XCTSkip("reads 105,720 papers; set PAPERSEARCH_SLOW_TESTS=1 to run")
        }
        let path = try sharedFile("arxiv/arxiv_ml_papers.jsonl.gz")
        var reader = try PaperFileReader(path: path)
        var count = 0
        var ids = Set<String>()
        var demoTitles: [String: String] = [:]
        let demoIDs = Set(Self.digestGolden.map(\.id))
        while let paper = try reader.next() {
            count += 1
            ids.insert(paper.id)
            if demoIDs.contains(paper.id) { demoTitles[paper.id] = paper.title }
        }
        XCTAssertEqual(count, 105_720)
        XCTAssertEqual(ids.count, 105_720)
        XCTAssertEqual(demoTitles.count, 8)
        XCTAssertNil(demoTitles["2307.08197"])
        XCTAssertNil(demoTitles["2310.01714"])
        for (id, title, _) in Self.digestGolden where demoTitles[id] != nil {
            XCTAssertEqual(demoTitles[id], title, id)
        }
    }
}
