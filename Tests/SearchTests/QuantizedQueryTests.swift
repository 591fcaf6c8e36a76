import Foundation
import GRDB
import XCTest
@testable import Core
@testable import NumericKernels
@testable import Store
@testable import Indexing
@testable import Search


/// The int8 scan (`doc_codes`) with exact re-scoring gives the float32 ranking; explanations
/// add up; topics name components.
final class QuantizedQueryTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ps-quant-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func indexedDemo(_ name: String) throws -> PaperStore {
        let store = try PaperStore.open(StoreLocation(explicit: directory.appendingPathComponent(name).path))
        _ = try PaperImporter(store: store).importFile(DemoCorpus.path)
        var options = IndexerOptions()
        options.k = 32
        options.chunkRows = 100
        _ = try Indexer(store: store).fit(options: options)
        return store
    }

    func testQuantisationErrorStaysWithinTheBound() {
        var rng = SeededRandom(seed: 7)
        let k = 64, rows = 50
        var e = [Float](repeating: 0, count: rows * k)
        for i in 0..<rows {
            var norm: Float = 0
            for j in 0..<k { e[i * k + j] = Float(rng.nextGaussian()); norm += e[i * k + j] * e[i * k + j] }
            for j in 0..<k { e[i * k + j] /= norm.squareRoot() }
        }
        var x = [Float](repeating: 0, count: k)
        for j in 0..<k { x[j] = Float(rng.nextGaussian()) / 8 }
        let (scales, codes) = QuantizedEmbeddings.encode(e[...], k: k)
        var q = QuantizedEmbeddings(k: k)
        q.scales = scales
        var approx = [Float](repeating: 0, count: rows)
        let factor = q.dots(codes: codes, x, into: &approx)
        for i in 0..<rows {
            var exact: Float = 0
            for j in 0..<k { exact += e[i * k + j] * x[j] }
            XCTAssertLessThanOrEqual(abs(approx[i] - exact), scales[i] * factor, "row \(i)")
            XCTAssertLessThan(abs(approx[i] - exact), 0.02)
        }
    }

    /// The in-memory scan runs in 8 chunks on every core from 4,096 rows on: the same values as
    /// one row at a time.
    func testParallelScanEqualsRowByRow() {
        var rng = SeededRandom(seed: 11)
        let k = 32, rows = 5_003
        var e = [Float](repeating: 0, count: rows * k)
        for i in 0..<e.count { e[i] = Float(rng.nextGaussian()) }
        var x = [Float](repeating: 0, count: k)
        for j in 0..<k { x[j] = Float(rng.nextGaussian()) }
        let (scales, codes) = QuantizedEmbeddings.encode(e[...], k: k)
        let q = QuantizedEmbeddings(k: k, scales: scales)
        var parallel = [Float](repeating: -1, count: rows)
        _ = q.dots(codes: codes, x, into: &parallel)
        let (fixed, step) = Int8Scan.fixedPoint(x)
        codes.withUnsafeBufferPointer { c in
            fixed.withUnsafeBufferPointer { f in
                for i in 0..<rows {
                    let expected = scales[i] * step * Float(Int8Scan.dot(c.baseAddress! + i * k, f.baseAddress!, k))
                    XCTAssertEqual(parallel[i], expected, "row \(i)")
                }
            }
        }
    }

    func testInt8RankingEqualsFloat32Ranking() throws {
        let store = try indexedDemo("a.sqlite")
        let quantized = try QueryEngine(store: store)
        XCTAssertNotNil(quantized.codes)
        // The same (seeded) model without doc_codes: the float32 path.
        let plain = try indexedDemo("b.sqlite")
        try plain.write { db in try db.execute(sql: "DELETE FROM doc_codes") }
        let float = try QueryEngine(store: plain)
        XCTAssertNil(float.codes)
        for text in ["long context retrieval", "robot scene graph", "protein structure prediction", "diffusion images"] {
            for mode in [SearchMode.lsa, .hybrid] {
                var options = QueryOptions()
                options.mode = mode
                options.limit = 25
                let a = try quantized.search(text, options: options), b = try float.search(text, options: options)
                XCTAssertEqual(a.map(\.id), b.map(\.id), "\(mode) \(text)")
                for (x, y) in zip(a, b) {
                    XCTAssertEqual(x.cosine ?? -9, y.cosine ?? 9, accuracy: 1e-5)
                    XCTAssertEqual(x.score, y.score, accuracy: mode == .lsa ? 1e-5 : 1e-2)
                }
            }
        }
        var options = QueryOptions()
        options.limit = 20
        let a = try quantized.related(to: "demo:0001", options: options)
        let b = try float.related(to: "demo:0001", options: options)
        XCTAssertEqual(a.map(\.id), b.map(\.id))
        // A second query on the same engine (a snapshot: the same strategy): same answer.
        XCTAssertEqual(try quantized.related(to: "demo:0001", options: options).map(\.id), a.map(\.id))
    }

    /// The engine is a snapshot of one committed model: concurrent queries on one engine agree with
    /// a sequential run, and once `add` (or `index`) commits, the old snapshot refuses to read the
    /// new model's rows instead of mixing them with its own; a new engine answers again.
    func testSnapshotIsSharedByConcurrentQueriesAndNeverMixesModels() throws {
        let store = try indexedDemo("snapshot.sqlite")
        let engine = try QueryEngine(store: store)
        var options = QueryOptions()
        options.limit = 10
        let queries = ["long context retrieval", "kv cache eviction", "protein structure", "robot scene graph"]
        let expected = try queries.map { try engine.search($0, options: options).map(\.id) }
        let results = LockedResults(count: 32)
        let shared = options
        DispatchQueue.concurrentPerform(iterations: 32) { i in
            let ids = try? engine.search(queries[i % queries.count], options: shared).map(\.id)
            results.set(i, ids)
        }
        for i in 0..<32 { XCTAssertEqual(results.get(i), expected[i % queries.count], "query \(i)") }

        let original = try XCTUnwrap(try store.paper(id: "demo:0042"))
        let file = directory.appendingPathComponent("new.jsonl")
        try Data((DemoCorpus.record("2401.00042", original.title, original.abstract) + "\n").utf8).write(to: file)
        _ = try IndexAdder(store: store).add(files: [file.path])
        XCTAssertThrowsError(try engine.search(queries[0], options: options)) { error in
            guard case PaperSearchError.modelChanged(let path) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, store.location.path)
        }
        XCTAssertEqual(try QueryEngine(store: store).search(queries[0], options: options).count, 10)
    }

    func testFoldInWritesCodesForNewRows() throws {
        let store = try indexedDemo("fold.sqlite")
        let original = try XCTUnwrap(try store.paper(id: "demo:0042"))
        let file = directory.appendingPathComponent("new.jsonl")
        try Data((DemoCorpus.record("2401.00042", original.title, original.abstract) + "\n").utf8).write(to: file)
        _ = try IndexAdder(store: store).add(files: [file.path])
        let engine = try QueryEngine(store: store)
        XCTAssertNotNil(engine.codes, "doc_codes must cover the folded rows")
        var options = QueryOptions()
        options.limit = 1
        let related = try engine.related(to: "2401.00042", options: options)
        XCTAssertEqual(related.first?.id, "demo:0042")
    }

    /// A paper replaced by a newer version through `add` leaves a dead row whose postings stay
    /// until the next refit; BM25's document frequency counts live rows only.
    func testBM25DocumentFrequencySkipsSupersededRows() throws {
        let store = try indexedDemo("df.sqlite")
        let before = try QueryEngine(store: store)
        let term = try XCTUnwrap(before.queryTerms("memory").first)
        let postings = { (engine: QueryEngine) -> [(row: Int, tf: Float)] in
            try store.read { db in
                let entry = try XCTUnwrap(try ModelReader.terms(db, [term], k: engine.metadata.k)[term])
                return try ModelReader.postings(db, termID: entry.id)
            }
        }
        let listBefore = try postings(before)
        XCTAssertEqual(before.bm25Scorer(QueryOptions()).liveDocumentFrequency(listBefore), Float(listBefore.count))
        // Version 3 of demo:0042 (a memory-layer paper) no longer mentions memory: its old row is dead.
        let record = DemoCorpus.record("demo:0042", "Attention over very long documents", "A transformer reads long documents.")
            .replacingOccurrences(of: "\"version\":1", with: "\"version\":3")
        let file = directory.appendingPathComponent("v3.jsonl")
        try Data((record + "\n").utf8).write(to: file)
        _ = try IndexAdder(store: store).add(files: [file.path])
        let after = try QueryEngine(store: store)
        XCTAssertEqual(after.documents.dead.count, before.documents.dead.count + 1)
        let listAfter = try postings(after)
        XCTAssertEqual(listAfter.count, listBefore.count, "the dead row keeps its posting until the refit")
        XCTAssertEqual(after.bm25Scorer(QueryOptions()).liveDocumentFrequency(listAfter), Float(listBefore.count - 1))
        var options = QueryOptions()
        options.mode = .bm25
        options.limit = 1000
        XCTAssertFalse(try after.search("memory", options: options).contains { $0.title.contains("Nearest-Neighbor Memory") })
    }

    func testExplanationSharesAddUp() throws {
        let store = try indexedDemo("explain.sqlite")
        let engine = try QueryEngine(store: store)
        var options = QueryOptions()
        options.limit = 5
        options.explain = true
        for mode in [SearchMode.bm25, .lsa, .tfidf] {
            options.mode = mode
            for hit in try engine.search("long context retrieval", options: options) {
                let e = try XCTUnwrap(hit.explanation)
                switch mode {
                case .bm25: XCTAssertEqual(e.terms.compactMap(\.bm25).reduce(0, +), hit.bm25 ?? -1, accuracy: 1e-3)
                case .lsa: XCTAssertEqual(e.terms.compactMap(\.lsa).reduce(0, +), hit.cosine ?? -1, accuracy: 1e-3)
                default: XCTAssertEqual(e.terms.compactMap(\.tfidf).reduce(0, +), hit.cosine ?? -1, accuracy: 1e-3)
                }
                XCTAssertEqual(e.concepts.count, 3)
                XCTAssertFalse(e.concepts[0].positive.isEmpty && e.concepts[0].negative.isEmpty)
            }
        }
        options.mode = .hybrid
        let related = try engine.related(to: "demo:0001", options: options)
        XCTAssertTrue(related.allSatisfy { !($0.explanation?.terms.isEmpty ?? true) && $0.explanation?.concepts.count == 3 })
    }

    func testTopicsNameEveryComponent() throws {
        let store = try indexedDemo("topics.sqlite")
        let topics = try LatentTopics.read(store, terms: 4).topics
        XCTAssertEqual(topics.count, 32)
        XCTAssertEqual(topics.map(\.component), Array(0..<32))
        XCTAssertTrue(topics.allSatisfy { $0.positive.count + $0.negative.count >= 4 })
        XCTAssertTrue(zip(topics, topics.dropFirst()).allSatisfy { $0.singularValue >= $1.singularValue })
    }
}

/// Results written by concurrent queries (one slot each).
private final class LockedResults: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [[String]?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: [String]?) { lock.withLock { slots[i] = value } }
    func get(_ i: Int) -> [String]? { lock.withLock { slots[i] } }
}
