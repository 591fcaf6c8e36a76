import Core
import TextAnalysis
import NumericKernels
import Store
/// The read path: ranks stored papers for a text query or a paper.
///
/// An immutable snapshot of one committed model: `init` loads the metadata and every document
/// row (a few large BLOB reads); nothing changes afterwards, so one engine serves any number of
/// concurrent queries without locks, and every call runs the same strategy. Per query it reads
/// only the query terms' vocabulary rows and postings, on an int8 index the codes (streamed by
/// the scan, never kept), the float32 rows of re-scored candidates, and the hits' records. It returns data (hits with
/// component scores and explanations); the CLI renders them.
///
/// Concerns, one file each: scorers (`BM25Scorer`, `TFIDFCosineScorer`, `LatentCosineScorer`),
/// fusion (`Fusion`), int8 error bounds (`CosineScores`), filters (`+Filters`), top-k and
/// re-scoring (`+Ranking`), hit hydration (`+Hits`), explanations (`+Explain`), `related`.
public struct QueryEngine: Sendable {
    public let store: PaperStore
    public let metadata: ModelMetadata
    /// Document rows; `documents.embeddings` is empty when `codes` serve the cosines.
    let documents: ModelReader.Documents
    let rowReader: EmbeddingRowReader
    let space: LatentSpace
    let latent: LatentCosineScorer
    /// The committed model state this snapshot was read from; every later read checks it.
    let version: PaperStore.ModelVersion

    /// The int8 embeddings (nil on an index written before `doc_codes`: then float32 rows).
    var codes: QuantizedEmbeddings? { latent.codes }

    public init(store: PaperStore) throws {
        // A query never needs BLAS threads; idle OpenBLAS workers would spin on a core.
        BLAS.stopIdleThreads()
        self.store = store
        let model = try store.queryModel()
        metadata = model.metadata
        documents = model.documents
        rowReader = model.rowReader
        space = LatentSpace(k: model.metadata.k)
        version = model.version
        latent = LatentCosineScorer(
            k: model.metadata.k, rows: model.documents.count, embeddings: model.documents.embeddings,
            codes: model.codes, store: store, version: model.version)
    }

    /// An analyzer with the model's settings, for one thread (an `Analyzer` is not thread-safe):
    /// pass it to `search` and reuse it to highlight the hits.
    public func makeAnalyzer() throws -> Analyzer {
        // A query has a few distinct tokens: a small term cache (the default sizes one for a corpus).
        try Analyzer(options: metadata.analyzer, cacheCapacity: 4096)
    }

    /// The analysed terms of a query (for highlighting).
    public func queryTerms(_ text: String) throws -> [String] { try makeAnalyzer().terms(text) }

    /// Live document rows in the model.
    public var documentCount: Int { documents.count - documents.dead.count }

    /// The BM25 scorer of this snapshot with `options`' parameters.
    func bm25Scorer(_ options: QueryOptions) -> BM25Scorer {
        BM25Scorer(documents: documents, totalLength: metadata.totalLength, options: options)
    }

    var tfidfScorer: TFIDFCosineScorer { TFIDFCosineScorer(norms: documents.norms) }

    /// Ranks papers for free text. `analyzer`: one from `makeAnalyzer()` the caller keeps (nil:
    /// one for this call).
    public func search(_ text: String, options: QueryOptions = QueryOptions(), analyzer: Analyzer? = nil) throws -> [SearchHit] {
        let analyzer = try analyzer ?? makeAnalyzer()
        let queryTerms = analyzer.terms(text)
        guard !queryTerms.isEmpty else { throw PaperSearchError.emptyQuery(query: text) }
        var tf: [String: Float] = [:]
        for term in queryTerms { tf[term, default: 0] += 1 }
        let distinct = tf.keys.sorted()
        let rows = documents.count
        let (vocabulary, postings) = try store.vocabularyAndPostings(
            distinct, k: metadata.k, withPostings: options.mode != .lsa || options.explain, model: version)
        // No query term occurs in the corpus: nothing matches, in any mode.
        if vocabulary.isEmpty { return [] }
        let query = space.fold(tf, vocabulary: vocabulary)
        let bm25 = bm25Scorer(options)
        var bm25Scores: [Float]? = nil
        var cosine: CosineScores? = nil
        switch options.mode {
        case .bm25:
            bm25Scores = bm25.scores(distinct, postings: postings, rows: rows)
        case .tfidf:
            cosine = CosineScores(values: tfidfScorer.scores(query.row, postings: postings, rows: rows), bound: nil, vector: [])
        case .lsa:
            cosine = try latent.scores(unit: query.embedding, squaredNorm: query.captured)
        case .hybrid:
            bm25Scores = bm25.scores(distinct, postings: postings, rows: rows)
            cosine = try latent.scores(unit: query.embedding, squaredNorm: query.captured)
        }
        let allowed = try allowedRows(options.filter)
        let lexicalOnly = options.mode == .bm25 || options.mode == .tfidf
        var fusion = Fusion(alpha: options.alpha)
        switch (bm25Scores, cosine) {
        case let (b?, c?):
            // z-score fusion: z(BM25) + alpha z(cosine), statistics over the live rows (for an
            // int8 index the cosine statistics come from the approximate cosines).
            fusion.bm25 = ScoreStatistics(b, skipping: documents.dead)
            fusion.cosine = ScoreStatistics(c.values, skipping: documents.dead)
        case (nil, _?): fusion.cosineOnly = true
        default: break
        }
        let entries = try rank(
            limit: options.limit, bm25: bm25Scores, cosine: cosine, fusion: fusion,
            eligible: eligibility(allowed), skipZero: lexicalOnly)
        var result = try hits(entries)
        if options.explain {
            result = try explain(result, entries: entries, queryTF: tf, query: query, postings: postings,
                                 fusion: fusion, options: options)
        }
        return result
    }

    /// Which of the papers `ids` the model can rank: stored, and a live row of the model (a paper
    /// imported after the last `index`/`add` is stored but not ranked).
    public func rankable(_ ids: [String]) throws -> Set<String> {
        let pids = try store.pidsAndDates(of: ids).mapValues(\.pid)
        var live = Set<Int64>()
        live.reserveCapacity(documents.count)
        for (row, pid) in documents.pids.enumerated() where !documents.dead.contains(row) { live.insert(pid) }
        return Set(pids.compactMap { live.contains($0.value) ? $0.key : nil })
    }
}
