import Foundation
import GRDB
import XCTest
@testable import Core
@testable import TextAnalysis
@testable import Store
@testable import Indexing
@testable import Search


/// The fit, the stored model, fold-in and the query path on small corpora.
final class IndexerTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ps-index-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    static var demoCorpus: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Data/demo-corpus.jsonl").path
    }

    func store(_ name: String) throws -> PaperStore {
        try PaperStore.open(StoreLocation(explicit: directory.appendingPathComponent(name).path))
    }

    func write(_ name: String, _ lines: [String]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
        return url.path
    }

    static func record(_ id: String, _ title: String, _ abstract: String, published: String = "2024-01-01 00:00:00") -> String {
        let object: [String: Any] = [
            "id": id, "version": 1, "title": title, "abstract": abstract, "categories": ["cs.CL"],
            "primary_category": "cs.CL", "published": published,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    var smallOptions: IndexerOptions {
        var options = IndexerOptions()
        options.k = 32
        options.chunkRows = 100  // several chunks even on small corpora
        return options
    }

    /// TF-IDF of a three-document corpus against values computed by hand.
    func testTFIDFMatchesHandComputedValues() throws {
        // d0: a a b, d1: b c, d2: c  (term ids: a=0, b=1, c=2)
        var counts = TermCounts()
        counts.terms = ["a", "b", "c"]
        counts.offsets = [0, 2, 4, 5]
        counts.termIDs = [0, 1, 1, 2, 2]
        counts.weights = [2, 1, 1, 1, 1]
        counts.lengths = [3, 2, 1]
        let df = counts.documentFrequencies()
        XCTAssertEqual(df, [1, 2, 2])
        let tfidf = TFIDFMatrix.build(counts, df: df, minDF: 1, maxDFShare: 1)
        // idf = ln((1 + 3) / (1 + df)) + 1
        let idfA = Float(log(4.0 / 2.0) + 1), idfB = Float(log(4.0 / 3.0) + 1)
        XCTAssertEqual(tfidf.idf[0], idfA, accuracy: 1e-6)
        XCTAssertEqual(tfidf.idf[1], idfB, accuracy: 1e-6)
        // d0: (1 + ln 2) idfA, 1 * idfB, then L2-normalised.
        let w0 = (1 + Float(log(2.0))) * idfA, w1 = idfB
        let norm = (w0 * w0 + w1 * w1).squareRoot()
        XCTAssertEqual(tfidf.matrix.rowPtr, [0, 2, 4, 5])
        XCTAssertEqual(tfidf.matrix.colIdx, [0, 1, 1, 2, 2])
        XCTAssertEqual(tfidf.matrix.values[0], w0 / norm, accuracy: 1e-6)
        XCTAssertEqual(tfidf.matrix.values[1], w1 / norm, accuracy: 1e-6)
        XCTAssertEqual(tfidf.norms[0], norm, accuracy: 1e-5)
        XCTAssertEqual(tfidf.matrix.values[4], 1, accuracy: 1e-6)
        // max_df = 0.5 of 3 documents keeps only terms in at most one document.
        let pruned = TFIDFMatrix.build(counts, df: df, minDF: 1, maxDFShare: 0.5)
        XCTAssertEqual(pruned.column, [0, -1, -1])
    }

    func testFitIsDeterministicAndEmbeddingsAreUnitLength() throws {
        var blobs: [[Data]] = []
        for name in ["a.sqlite", "b.sqlite"] {
            let store = try self.store(name)
            _ = try PaperImporter(store: store).importFile(Self.demoCorpus)
            let summary = try Indexer(store: store).fit(options: smallOptions)
            XCTAssertEqual(summary.papers, 300)
            XCTAssertEqual(summary.k, 32)
            blobs.append(try store.read { db in
                try Data.fetchAll(db, sql: "SELECT embeddings FROM doc_chunks ORDER BY chunk")
                    + Data.fetchAll(db, sql: "SELECT projection FROM vocabulary WHERE projection IS NOT NULL ORDER BY term_id")
                    + Data.fetchAll(db, sql: "SELECT singular_values FROM lsa_model")
            })
            let docs = try store.read { db in try ModelReader.documents(db, k: 32, rowCount: 300) }
            XCTAssertEqual(docs.count, 300)
            for row in 0..<docs.count {
                let e = docs.embeddings[(row * 32)..<((row + 1) * 32)]
                XCTAssertEqual(e.reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-4, "row \(row)")
            }
        }
        XCTAssertEqual(blobs[0], blobs[1], "two fits of the same corpus must give identical bytes")
    }

    func testSearchRelatedAndErrors() throws {
        let store = try self.store("q.sqlite")
        _ = try PaperImporter(store: store).importFile(Self.demoCorpus)
        _ = try Indexer(store: store).fit(options: smallOptions)
        let engine = try QueryEngine(store: store)
        for mode in SearchMode.allCases {
            var options = QueryOptions()
            options.mode = mode
            let hits = try engine.search("long context retrieval", options: options)
            XCTAssertEqual(hits.count, 10, "\(mode)")
            XCTAssertEqual(hits.map(\.rank), Array(1...10))
            XCTAssertTrue(zip(hits, hits.dropFirst()).allSatisfy { $0.score >= $1.score }, "\(mode) not sorted")
            XCTAssertTrue(
                hits.prefix(3).allSatisfy { ($0.title + " " + $0.abstract).lowercased().contains("context") },
                "\(mode): \(hits.prefix(3).map(\.title))")
        }
        let related = try engine.related(to: "demo:0042")
        XCTAssertFalse(related.contains { $0.id == "demo:0042" })
        XCTAssertEqual(related.count, 10)
        for mode in SearchMode.allCases {
            var options = QueryOptions()
            options.mode = mode
            XCTAssertEqual(try engine.search("qwzxv plorbix", options: options), [], "unknown terms match nothing (\(mode))")
        }
        XCTAssertThrowsError(try engine.search("   ")) { error in
            guard case .emptyQuery = error as? PaperSearchError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try engine.search("the of and")) { error in
            guard case .emptyQuery = error as? PaperSearchError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try engine.related(to: "2309.99999")) { error in
            XCTAssertEqual(error as? PaperSearchError, .unknownPaper(id: "2309.99999"))
        }
        // Filters.
        var filtered = QueryOptions()
        filtered.filter = SearchFilter(category: "cs.CV", since: "2023-01-01")
        for hit in try engine.search("image generation diffusion", options: filtered) {
            XCTAssertTrue(hit.categories.contains("cs.CV"))
            XCTAssertGreaterThanOrEqual(hit.published ?? "", "2023-01-01")
        }
    }

    func testTopKMatchesNaiveSort() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let n = Int.random(in: 0..<500, using: &generator)
            // Few distinct scores so ties are common.
            let scores = (0..<n).map { _ in Float(Int.random(in: 0..<20, using: &generator)) / 4 }
            let k = Int.random(in: 0..<30, using: &generator)
            var topK = TopK(k: k)
            for (i, s) in scores.enumerated() { topK.offer(row: i, key: Int64(i), score: s) }
            let naive = scores.enumerated().sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset < $1.offset) }
                .prefix(k).map(\.offset)
            XCTAssertEqual(topK.entries.map(\.row), Array(naive))
        }
    }

    func testFoldInMatchesTheFittedEmbeddingOfTheSameText() throws {
        let store = try self.store("fold.sqlite")
        _ = try PaperImporter(store: store).importFile(Self.demoCorpus)
        _ = try Indexer(store: store).fit(options: smallOptions)
        let original = try XCTUnwrap(try store.paper(id: "demo:0042"))
        let file = try write("new.jsonl", [
            Self.record("2401.00042", original.title, original.abstract),
            Self.record("2401.00043", "Zyxwv qqqq", "Entirely unseen vocabulary: flurbonic gadzooks wibblitude."),
        ])
        let summary = try IndexAdder(store: store).add(files: [file])
        XCTAssertEqual(summary.folded, 2)
        XCTAssertGreaterThan(summary.newTerms, 0)
        let engine = try QueryEngine(store: store)
        let related = try engine.related(to: "2401.00042", options: { var o = QueryOptions(); o.limit = 1; return o }())
        XCTAssertEqual(related.first?.id, "demo:0042")
        XCTAssertEqual(related.first?.cosine ?? 0, 1, accuracy: 1e-3)
        // New terms are searchable through BM25 at once.
        var bm25 = QueryOptions()
        bm25.mode = .bm25
        XCTAssertEqual(try engine.search("flurbonic", options: bm25).first?.id, "2401.00043")
        let info = try StoreInfo.gather(store)
        XCTAssertEqual(info.index.papersFoldedIn, 2)
        XCTAssertEqual(info.index.papersInModel, 302)
    }

    func testIndexWithoutPapersAndQueryWithoutModel() throws {
        let store = try self.store("empty.sqlite")
        XCTAssertThrowsError(try Indexer(store: store).fit(options: smallOptions)) { error in
            guard case .noPapers = error as? PaperSearchError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try QueryEngine(store: store)) { error in
            guard case .noIndex = error as? PaperSearchError else { return XCTFail("\(error)") }
        }
    }

    func testCorpusSmallerThanKAndEmptyDocuments() throws {
        let store = try self.store("tiny.sqlite")
        let file = try write("tiny.jsonl", [
            Self.record("2401.00001", "Sparse retrieval", "Sparse lexical retrieval with learned weights."),
            Self.record("2401.00002", "Dense retrieval", "Dense retrieval with dual encoders and learned weights."),
            Self.record("2401.00003", "The", "Of the and a."),  // nothing survives analysis
        ])
        _ = try PaperImporter(store: store).importFile(file)
        var options = IndexerOptions()
        options.minDF = 1
        let summary = try Indexer(store: store).fit(options: options)
        XCTAssertLessThanOrEqual(summary.k, 3)
        let engine = try QueryEngine(store: store)
        XCTAssertEqual(try engine.search("dense encoders").first?.id, "2401.00002")
        let docs = try store.read { db in try ModelReader.documents(db, k: summary.k, rowCount: 3) }
        XCTAssertTrue(docs.embeddings.allSatisfy { $0.isFinite })
    }
}
