import Foundation
import GRDB

/// The read path: ranks stored papers for a text query or a paper, from the stored model.
///
/// Loads the model metadata and every document row once (a few large BLOB reads); per query
/// it reads only the query terms' vocabulary rows and postings.
public final class QueryEngine {
    public let store: PaperStore
    public let metadata: ModelMetadata
    /// Document rows; `documents.embeddings` is empty when `codes` serve the cosines.
    let documents: ModelReader.Documents
    /// The int8 embeddings (nil on an index written before `doc_codes`: then float32 rows).
    let codes: QuantizedEmbeddings?
    let rowReader: EmbeddingRowReader
    let analyzer: Analyzer
    /// Cosine scans so far, and the int8 codes kept in memory from the second one on.
    var cosineQueries = 0
    var codeCache: [Int8]? = nil

    public init(store: PaperStore) throws {
        // A query never needs BLAS threads; idle OpenBLAS workers would spin on a core.
        BLAS.stopIdleThreads()
        self.store = store
        let path = store.location.path
        let loaded = try store.read { db -> (ModelMetadata, ModelReader.Documents, QuantizedEmbeddings?, EmbeddingRowReader) in
            guard let meta = try ModelReader.metadata(db, path: path) else { throw PaperSearchError.noIndex(path: path) }
            let rowReader = try EmbeddingRowReader.load(db, k: meta.k)
            if let (docs, codes) = try QuantizedEmbeddings.load(db, k: meta.k, rowCount: meta.rowCount) {
                return (meta, docs, codes, rowReader)
            }
            return (meta, try ModelReader.documents(db, k: meta.k, rowCount: meta.rowCount), nil, rowReader)
        }
        metadata = loaded.0
        documents = loaded.1
        codes = loaded.2
        rowReader = loaded.3
        // A query has a few distinct tokens: a small term cache (the default sizes one for a corpus).
        analyzer = try Analyzer(options: metadata.analyzer, cacheCapacity: 4096)
    }

    /// Ranks papers for free text.
    public func search(_ text: String, options: QueryOptions = QueryOptions()) throws -> [SearchHit] {
        let queryTerms = analyzer.terms(text)
        guard !queryTerms.isEmpty else { throw PaperSearchError.emptyQuery(query: text) }
        var tf: [String: Float] = [:]
        for term in queryTerms { tf[term, default: 0] += 1 }
        let distinct = tf.keys.sorted()
        let rows = documents.count
        let k = metadata.k
        let (vocabulary, postings) = try store.read { db -> ([String: ModelReader.Term], [String: [(row: Int, tf: Float)]]) in
            let vocabulary = try ModelReader.terms(db, distinct, k: k)
            var postings: [String: [(row: Int, tf: Float)]] = [:]
            if options.mode != .lsa || options.explain {
                for (term, entry) in vocabulary { postings[term] = try ModelReader.postings(db, termID: entry.id) }
            }
            return (vocabulary, postings)
        }
        // No query term occurs in the corpus: nothing matches, in any mode.
        if vocabulary.isEmpty { return [] }
        var bm25: [Float]? = nil
        var cosine: CosineScores? = nil
        switch options.mode {
        case .bm25:
            bm25 = bm25Scores(distinct, postings: postings, options: options)
        case .tfidf:
            cosine = CosineScores(values: tfidfScores(tf, vocabulary: vocabulary, postings: postings), bound: nil, vector: [])
        case .lsa:
            cosine = try lsaScores(tf, vocabulary: vocabulary)
        case .hybrid:
            bm25 = bm25Scores(distinct, postings: postings, options: options)
            cosine = try lsaScores(tf, vocabulary: vocabulary)
        }
        let allowed = try allowedRows(options.filter)
        let lexicalOnly = options.mode == .bm25 || options.mode == .tfidf
        var fusion = Fusion(alpha: options.alpha)
        switch (bm25, cosine) {
        case let (b?, c?):
            // z-score fusion: z(BM25) + alpha z(cosine), statistics over the live rows (for an
            // int8 index the cosine statistics come from the approximate cosines).
            fusion.bm25 = ScoreStatistics(b, skipping: documents.dead)
            fusion.cosine = ScoreStatistics(c.values, skipping: documents.dead)
        case (nil, _?): fusion.cosineOnly = true
        default: break
        }
        let entries = try rank(
            limit: options.limit, bm25: bm25, cosine: cosine, fusion: fusion,
            eligible: eligibility(allowed),
            skipZero: lexicalOnly)
        var result = try hits(entries)
        if options.explain {
            result = try explain(result, entries: entries, queryTF: tf, vocabulary: vocabulary, postings: postings,
                                 cosine: cosine, fusion: fusion, options: options)
        }
        return result
    }

    /// How component scores combine into the ranking score.
    struct Fusion {
        var alpha: Float
        var bm25: ScoreStatistics? = nil
        var cosine: ScoreStatistics? = nil
        var cosineOnly = false

        func score(bm25 b: Float?, cosine c: Float?) -> Float {
            if let zb = bm25, let zc = cosine, let b, let c { return zb.z(b) + alpha * zc.z(c) }
            return b ?? c ?? 0
        }

        /// Bound on the fused score's change when the cosine changes by at most `delta` (linear).
        func bound(_ delta: Float) -> Float {
            if let zc = cosine, bm25 != nil { return alpha * delta / (zc.std + 1e-9) }
            return delta
        }
    }

    /// An entry of the final ranking with its component scores.
    struct RankedEntry {
        var row: Int
        var pid: Int64
        var score: Float
        var bm25: Float?
        var cosine: Float?
    }

    /// The `limit` best eligible rows. With approximate (int8) cosines this is exact all the
    /// same: every row whose upper bound reaches the limit-th best lower bound is re-scored
    /// with its float32 embedding (read one row at a time), and only re-scored rows rank.
    func rank(limit: Int, bm25: [Float]?, cosine: CosineScores?, fusion: Fusion, eligible: (Int) -> Bool,
              skipZero: Bool) throws -> [RankedEntry] {
        let rows = documents.count
        // Fused (approximate) scores in one pass.
        var fused = [Float](repeating: 0, count: rows)
        if let b = bm25, let c = cosine?.values, let zb = fusion.bm25, let zc = fusion.cosine {
            let ib = 1 / (zb.std + 1e-9), ic = fusion.alpha / (zc.std + 1e-9)
            let shift = zb.mean * ib + zc.mean * ic
            for i in 0..<rows { fused[i] = b[i] * ib + c[i] * ic - shift }
        } else if let b = bm25 {
            fused = b
        } else if let c = cosine?.values {
            fused = c
        }
        guard let cosine, let bound = cosine.bound else {
            var topK = TopK(k: limit)
            for i in 0..<rows where eligible(i) {
                let score = fusion.score(bm25: bm25?[i], cosine: cosine?.values[i])
                if skipZero && score == 0 { continue }
                topK.offer(row: i, key: documents.pids[i], score: score)
            }
            return topK.entries.map {
                RankedEntry(row: $0.row, pid: $0.key, score: $0.score, bm25: bm25?[$0.row], cosine: cosine?.values[$0.row])
            }
        }
        // Lower bounds: the limit-th best is a threshold no excluded row can reach.
        let scale = fusion.bound(bound.factor)
        var lower = TopK(k: limit)
        for i in 0..<rows where eligible(i) {
            lower.offer(row: i, key: documents.pids[i], score: fused[i] - scale * bound.scales[i])
        }
        var threshold = lower.entries.count == limit ? (lower.entries.last?.score ?? -Float.infinity) : -Float.infinity
        // Slack for the float rounding between `fused` and `fusion.score`.
        threshold -= 1e-4 * max(1, abs(threshold))
        var candidates: [Int] = []
        for i in 0..<rows where fused[i] + scale * bound.scales[i] >= threshold && eligible(i) {
            candidates.append(i)
        }
        let exact = try exactCosines(cosine.vector, rows: candidates)
        var topK = TopK(k: limit)
        for (n, i) in candidates.enumerated() {
            topK.offer(row: i, key: documents.pids[i], score: fusion.score(bm25: bm25?[i], cosine: exact[n]))
        }
        let exactByRow = Dictionary(uniqueKeysWithValues: zip(candidates, exact))
        return topK.entries.map {
            RankedEntry(row: $0.row, pid: $0.key, score: $0.score, bm25: bm25?[$0.row], cosine: exactByRow[$0.row])
        }
    }

    // MARK: - Scores

    /// BM25 with binary query terms, idf = ln(1 + (N - df + 0.5) / (df + 0.5)).
    func bm25Scores(_ terms: [String], postings: [String: [(row: Int, tf: Float)]], options: QueryOptions) -> [Float] {
        let live = documents.count - documents.dead.count
        let n = Float(max(1, live))
        let avgdl = Float(metadata.totalLength) / n
        var scores = [Float](repeating: 0, count: documents.count)
        let k1 = options.k1, b = options.b
        for term in terms {
            guard let list = postings[term], !list.isEmpty else { continue }
            let df = liveDocumentFrequency(list)
            let idf = log(1 + (n - df + 0.5) / (df + 0.5))
            documents.lengths.withUnsafeBufferPointer { lengths in
                for (row, tf) in list {
                    let norm = k1 * (1 - b + b * lengths[row] / max(avgdl, 1e-6))
                    scores[row] += idf * tf * (k1 + 1) / (tf + norm)
                }
            }
        }
        return scores
    }

    /// A term's document frequency over the live rows: rows superseded by `add` (dead) keep
    /// their postings until the next refit and are not counted.
    func liveDocumentFrequency(_ list: [(row: Int, tf: Float)]) -> Float {
        let dead = documents.dead
        return Float(dead.isEmpty ? list.count : list.reduce(0) { $0 + (dead.contains($1.row) ? 0 : 1) })
    }

    /// Normalised TF-IDF query vector over the LSA vocabulary: (column, weight) pairs.
    func queryVector(_ tf: [String: Float], vocabulary: [String: ModelReader.Term]) -> [(ModelReader.Term, Float)] {
        var weights: [(ModelReader.Term, Float)] = []
        var sum: Float = 0
        for (term, count) in tf.sorted(by: { $0.key < $1.key }) {
            guard let entry = vocabulary[term], let idf = entry.idf else { continue }
            let w = TFIDFWeighting.sublinear(count) * idf
            weights.append((entry, w))
            sum += w * w
        }
        let inv = sum > 0 ? 1 / sum.squareRoot() : 0
        return weights.map { ($0.0, $0.1 * inv) }
    }

    /// Cosine of the sparse TF-IDF vectors: sum over query terms of q_t * w_td / ||d||.
    func tfidfScores(_ tf: [String: Float], vocabulary: [String: ModelReader.Term],
                     postings: [String: [(row: Int, tf: Float)]]) -> [Float] {
        var scores = [Float](repeating: 0, count: documents.count)
        for (entry, q) in queryVector(tf, vocabulary: vocabulary) {
            guard let idf = entry.idf, let list = postings[entry.term] else { continue }
            for (row, count) in list where documents.norms[row] > 0 {
                scores[row] += q * TFIDFWeighting.sublinear(count) * idf / documents.norms[row]
            }
        }
        return scores
    }

    /// LSA cosine: fold the query in (q V_k, normalised), then cosines with every embedding.
    func lsaScores(_ tf: [String: Float], vocabulary: [String: ModelReader.Term]) throws -> CosineScores {
        let k = metadata.k
        var latent = [Float](repeating: 0, count: k)
        for (entry, q) in queryVector(tf, vocabulary: vocabulary) {
            guard let projection = entry.projection, projection.count == k else { continue }
            for j in 0..<k { latent[j] += q * projection[j] }
        }
        return try cosineScores(latent)
    }

    /// Cosines x . e / ||x|| with every row (rows are unit length): exact float32 (one sgemv)
    /// or, on an int8 index, approximate values with a per-row error bound.
    func cosineScores(_ vector: [Float]) throws -> CosineScores {
        let k = metadata.k
        let rows = documents.count
        var x = vector
        var norm: Float = 0
        for v in x { norm += v * v }
        var scores = [Float](repeating: 0, count: rows)
        guard norm > 0, rows > 0, k > 0 else { return CosineScores(values: scores, bound: nil, vector: x) }
        let inv = 1 / norm.squareRoot()
        for j in 0..<k { x[j] *= inv }
        if let codes {
            // One query streams the codes; a process running more (eval) keeps them in memory.
            let factor: Float
            if let cached = codeCache {
                factor = codes.dots(codes: cached, x, into: &scores)
            } else if cosineQueries > 0 {
                let cached = try store.read { db in try QuantizedEmbeddings.loadCodes(db, k: k, rowCount: rows) }
                codeCache = cached
                factor = codes.dots(codes: cached, x, into: &scores)
            } else {
                factor = try store.read { db in try codes.dots(db, x, into: &scores) }
            }
            cosineQueries += 1
            return CosineScores(values: scores, bound: .init(scales: codes.scales, factor: factor), vector: x)
        }
        documents.embeddings.withUnsafeBufferPointer { e in
            x.withUnsafeBufferPointer { xp in
                scores.withUnsafeMutableBufferPointer { s in
                    guard let ep = e.baseAddress, let xb = xp.baseAddress, let sp = s.baseAddress else { return }
                    BLAS.sgemv(transpose: false, m: rows, n: k, alpha: 1, a: ep, lda: k, x: xb, beta: 0, y: sp)
                }
            }
        }
        return CosineScores(values: scores, bound: nil, vector: x)
    }

    /// Exact cosines of `rows` with the unit vector `x`.
    func exactCosines(_ x: [Float], rows: [Int]) throws -> [Float] {
        try embeddingRows(rows).map { e in
            var s: Float = 0
            for j in 0..<min(e.count, x.count) { s += e[j] * x[j] }
            return s
        }
    }

    /// The float32 embeddings of `rows` (from memory, or one BLOB read each on an int8 index).
    func embeddingRows(_ rows: [Int]) throws -> [[Float]] {
        let k = metadata.k
        if codes == nil {
            return rows.map { Array(documents.embeddings[($0 * k)..<(($0 + 1) * k)]) }
        }
        return try store.read { db in try rowReader.rows(db, rows) }
    }

    // MARK: - Filters and results

    /// Whether a row may rank: live and passing the filter (a mask, so the per-row test is cheap).
    func eligibility(_ allowed: Set<Int>?) -> (Int) -> Bool {
        if documents.dead.isEmpty && allowed == nil { return { _ in true } }
        var mask = [Bool](repeating: allowed == nil, count: documents.count)
        if let allowed { for i in allowed where i < mask.count { mask[i] = true } }
        for i in documents.dead where i < mask.count { mask[i] = false }
        return { mask[$0] }
    }

    /// Rows passing the filter, or nil when there is no filter.
    func allowedRows(_ filter: SearchFilter) throws -> Set<Int>? {
        guard !filter.isEmpty else { return nil }
        let (sql, arguments) = filter.sql
        let pids = try store.read { db in try Int64.fetchSet(db, sql: sql, arguments: StatementArguments(arguments)) }
        var rows = Set<Int>()
        for (row, pid) in documents.pids.enumerated() where pids.contains(pid) { rows.insert(row) }
        return rows
    }

    func hits(_ entries: [RankedEntry]) throws -> [SearchHit] {
        try store.read { db in
            var result: [SearchHit] = []
            for (rank, entry) in entries.enumerated() {
                guard let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM papers WHERE pid = ?", arguments: [entry.pid])
                else { continue }
                let id: String = row["id"]
                let tags = try String.fetchAll(
                    db, sql: "SELECT DISTINCT tag FROM tags WHERE paper_id = ? AND origin != 'arxiv-category' ORDER BY tag",
                    arguments: [id])
                let categories: String = row["categories"] ?? ""
                result.append(SearchHit(
                    rank: rank + 1, id: id, score: entry.score, bm25: entry.bm25, cosine: entry.cosine,
                    title: row["title"], published: row["published"],
                    categories: categories.split(separator: " ").map(String.init), tags: tags,
                    abstract: row["abstract"]))
            }
            return result
        }
    }
}

/// Cosines of a query vector with every row; `bound` is set when they are approximate.
struct CosineScores {
    struct Bound {
        let scales: [Float]
        let factor: Float
        /// Row i's cosine is within delta(i) of `values[i]`.
        @inline(__always) func delta(_ i: Int) -> Float { scales[i] * factor }
    }

    var values: [Float]
    var bound: Bound?
    /// The unit query vector (latent), for exact re-scoring.
    var vector: [Float]
}

/// Mean and standard deviation of a score vector, for z-score fusion.
struct ScoreStatistics {
    let mean: Float
    let std: Float

    init(_ scores: [Float], skipping dead: Set<Int>) {
        var sum = 0.0, sumSquares = 0.0, n = 0.0
        if dead.isEmpty {
            for s in scores {
                sum += Double(s)
                sumSquares += Double(s) * Double(s)
            }
            n = Double(scores.count)
        } else {
            for (i, s) in scores.enumerated() where !dead.contains(i) {
                sum += Double(s)
                sumSquares += Double(s) * Double(s)
                n += 1
            }
        }
        let mean = n > 0 ? sum / n : 0
        self.mean = Float(mean)
        std = Float((max(0, sumSquares / max(n, 1) - mean * mean)).squareRoot())
    }

    @inline(__always)
    func z(_ x: Float) -> Float { (x - mean) / (std + 1e-9) }
}

extension QueryEngine {
    /// The analysed terms of a query (for highlighting).
    public func queryTerms(_ text: String) -> [String] { analyzer.terms(text) }

    /// The analyzer queries go through (the model's own settings).
    public var queryAnalyzer: Analyzer { analyzer }
}

extension QueryEngine {
    /// Papers most similar to a stored paper: cosine of the LSA embeddings, the paper itself
    /// excluded. `reference` is an arXiv id or abs/pdf URL (any version) or a namespaced id.
    public func related(to reference: String, options: QueryOptions = QueryOptions()) throws -> [SearchHit] {
        let id = try PaperStore.paperID(reference)
        guard let pid = try store.read({ db in
            try Int64.fetchOne(db, sql: "SELECT pid FROM papers WHERE id = ?", arguments: [id])
        }), let row = documents.pids.lastIndex(of: pid), !documents.dead.contains(row) else {
            throw PaperSearchError.unknownPaper(id: id)
        }
        guard let vector = try embeddingRows([row]).first else { throw PaperSearchError.unknownPaper(id: id) }
        let scores = try cosineScores(vector)
        let allowed = try allowedRows(options.filter)
        let pids = documents.pids
        // Live rows passing the filter (a mask, no hashing per row), minus the paper itself.
        let base = eligibility(allowed)
        let entries = try rank(
            limit: options.limit, bm25: nil, cosine: scores, fusion: Fusion(alpha: 0, cosineOnly: true),
            eligible: { i in i != row && pids[i] != pid && base(i) },
            skipZero: false)
        var result = try hits(entries)
        if options.explain {
            result = try explainRelated(result, entries: entries, sourceRow: row, sourcePid: pid, latent: scores.vector)
        }
        return result
    }
}

extension QueryEngine {
    /// Live document rows in the model.
    public var documentCount: Int { documents.count - documents.dead.count }
}

extension QueryEngine {
    /// Which of the papers `ids` the model can rank: stored, and a live row of the model (a paper
    /// imported after the last `index`/`add` is stored but not ranked).
    public func rankable(_ ids: [String]) throws -> Set<String> {
        let pids = try store.pids(of: ids)
        var live = Set<Int64>()
        live.reserveCapacity(documents.count)
        for (row, pid) in documents.pids.enumerated() where !documents.dead.contains(row) { live.insert(pid) }
        return Set(pids.compactMap { live.contains($0.value) ? $0.key : nil })
    }
}
