import Foundation
import Core
import Formats
import Store
import Indexing
import Search

/// `papersearch eval DIR`: ranking quality on a BEIR dataset, per search mode.
///
/// Builds a temporary index of the corpus (or uses a given store), runs every judged query
/// in each mode, and averages nDCG@10, Recall@100 and MRR@10 (BEIR's definitions).
public struct Evaluator {
    public struct ModeResult: Codable, Sendable {
        public var mode: String
        public var ndcg10: Double
        public var recall100: Double
        public var mrr10: Double
        public var queries: Int
        public var msPerQuery: Double
    }

    public struct Report: Codable, Sendable {
        public var dataset: String
        public var documents: Int
        public var queries: Int
        public var configuration: [String: String]
        public var results: [ModeResult]
    }

    public var modes: [SearchMode] = SearchMode.allCases
    public var query = QueryOptions()

    public init() {}

    /// Evaluates with `store`, which must hold the dataset's corpus (ids `namespace:_id`) and a model.
    public func evaluate(_ dataset: BEIRDataset, store: PaperStore, namespace: String,
                         progress: any ProgressSink = SilentProgress()) throws -> Report {
        let engine = try QueryEngine(store: store)
        let prefix = namespace + ":"
        // An index without the judged documents would score every query 0 and look like a result.
        let judged = Set(dataset.qrels.values.flatMap { $0.keys.map { prefix + $0 } })
        let missing = judged.subtracting(try engine.rankable(Array(judged)))
        if let example = missing.min() {
            throw PaperSearchError.evaluationWithoutDocuments(
                path: store.location.path, dataset: dataset.directory, missing: missing.count, judged: judged.count,
                example: example)
        }
        // One analyzer for every query of this loop (an engine is shared, an analyzer per thread).
        let analyzer = try engine.makeAnalyzer()
        var results: [ModeResult] = []
        for mode in modes {
            var options = query
            options.mode = mode
            options.limit = 100
            var ndcg = 0.0, recall = 0.0, mrr = 0.0
            let start = DispatchTime.now().uptimeNanoseconds
            for (n, query) in dataset.queries.enumerated() {
                let relevant = dataset.qrels[query.id] ?? [:]
                let hits: [SearchHit]
                do {
                    hits = try engine.search(query.text, options: options, analyzer: analyzer)
                } catch PaperSearchError.emptyQuery {
                    hits = []
                }
                let ranked = hits.map { $0.id.hasPrefix(prefix) ? String($0.id.dropFirst(prefix.count)) : $0.id }
                ndcg += RankingMetrics.ndcg(ranked, relevant: relevant, k: 10)
                recall += RankingMetrics.recall(ranked, relevant: relevant, k: 100)
                mrr += RankingMetrics.mrr(ranked, relevant: relevant, k: 10)
                progress.update("eval \(mode.rawValue): \(n + 1) of \(dataset.queries.count) queries")
            }
            let count = Double(max(1, dataset.queries.count))
            let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / count
            results.append(ModeResult(
                mode: mode.rawValue, ndcg10: ndcg / count, recall100: recall / count, mrr10: mrr / count,
                queries: dataset.queries.count, msPerQuery: ms))
        }
        progress.finish()
        let meta = engine.metadata
        return Report(
            dataset: dataset.directory, documents: engine.documentCount, queries: dataset.queries.count,
            configuration: [
                "k": "\(meta.k)", "stem": "\(meta.analyzer.stem)", "stop words": meta.analyzer.stopWords.rawValue,
                "tokenization": meta.analyzer.tokenization.rawValue, "bm25 k1": "\(query.k1)", "bm25 b": "\(query.b)",
                "hybrid alpha": "\(query.alpha)",
            ],
            results: results)
    }
}

extension Evaluator {
    /// Evaluates on a temporary index built with `indexOptions` (deleted afterwards), or on
    /// `location` when given: its corpus is imported and fitted there if it has no model yet.
    public func run(
        _ dataset: BEIRDataset, location: StoreLocation?, indexOptions: IndexerOptions,
        progress: any ProgressSink = SilentProgress()
    ) throws -> Report {
        let namespace = try PaperFileReader(path: dataset.corpusPath, format: .beir).namespace ?? "beir"
        let temporary = location == nil
        let path = location?.path
            ?? NSTemporaryDirectory() + "papersearch-eval-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0..<UInt64.max)).sqlite"
        // Registered before the file exists: a SIGINT/SIGTERM from here on removes it (and its
        // -wal/-shm, which SQLite only deletes on a clean close) from the signal thread.
        let files = temporary ? ["", "-wal", "-shm"].map { path + $0 } : []
        files.forEach(TemporaryFiles.register)
        defer {
            for file in files {
                try? FileManager.default.removeItem(atPath: file)
                TemporaryFiles.unregister(file)
            }
        }
        let store = try PaperStore.open(location ?? StoreLocation(explicit: path))
        let hasModel = try store.modelMetadata() != nil
        if !hasModel {
            _ = try PaperImporter(store: store).importFile(dataset.corpusPath, options: .init(format: .beir)) { n in
                progress.update("importing \(dataset.corpusPath): \(n) records")
            }
            _ = try Indexer(store: store).fit(options: indexOptions, progress: progress)
        }
        return try evaluate(dataset, store: store, namespace: namespace, progress: progress)
    }
}
