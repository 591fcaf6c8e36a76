import Foundation
import GRDB

/// The read path: ranks stored papers for a text query or a paper, from the stored model.
///
/// Loads the model metadata and every document row once (a few large BLOB reads); per query
/// it reads only the query terms' vocabulary rows and postings.
public final class QueryEngine {
    public let store: PaperStore
    public let metadata: ModelMetadata
    let documents: ModelReader.Documents
    let analyzer: Analyzer

    public init(store: PaperStore) throws {
        self.store = store
        let path = store.location.path
        let loaded = try store.read { db -> (ModelMetadata, ModelReader.Documents) in
            guard let meta = try ModelReader.metadata(db, path: path) else { throw PaperSearchError.noIndex(path: path) }
            return (meta, try ModelReader.documents(db, k: meta.k, rowCount: meta.rowCount))
        }
        metadata = loaded.0
        documents = loaded.1
        analyzer = try Analyzer(options: metadata.analyzer)
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
            if options.mode != .lsa {
                for (term, entry) in vocabulary { postings[term] = try ModelReader.postings(db, termID: entry.id) }
            }
            return (vocabulary, postings)
        }
        var bm25: [Float]? = nil
        var cosine: [Float]? = nil
        switch options.mode {
        case .bm25:
            bm25 = bm25Scores(distinct, postings: postings, options: options)
        case .tfidf:
            cosine = tfidfScores(tf, vocabulary: vocabulary, postings: postings)
        case .lsa:
            cosine = lsaScores(tf, vocabulary: vocabulary)
        case .hybrid:
            bm25 = bm25Scores(distinct, postings: postings, options: options)
            cosine = lsaScores(tf, vocabulary: vocabulary)
        }
        let allowed = try allowedRows(options.filter)
        var final = [Float](repeating: 0, count: rows)
        switch (bm25, cosine) {
        case let (b?, c?):
            // z-score fusion: z(BM25) + alpha z(cosine), statistics over the live rows.
            let zb = ScoreStatistics(b, skipping: documents.dead), zc = ScoreStatistics(c, skipping: documents.dead)
            for i in 0..<rows { final[i] = zb.z(b[i]) + options.alpha * zc.z(c[i]) }
        case let (b?, nil): final = b
        case let (nil, c?): final = c
        case (nil, nil): break
        }
        var topK = TopK(k: options.limit)
        let lexicalOnly = options.mode == .bm25 || options.mode == .tfidf
        for i in 0..<rows where !documents.dead.contains(i) && (allowed?.contains(i) ?? true) {
            if lexicalOnly && final[i] == 0 { continue }
            topK.offer(row: i, key: documents.pids[i], score: final[i])
        }
        return try hits(topK.entries, bm25: bm25, cosine: cosine)
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
            let df = Float(list.count)
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

    /// LSA cosine: fold the query in (q V_k, normalised), then one sgemv over all embeddings.
    func lsaScores(_ tf: [String: Float], vocabulary: [String: ModelReader.Term]) -> [Float] {
        let k = metadata.k
        var latent = [Float](repeating: 0, count: k)
        for (entry, q) in queryVector(tf, vocabulary: vocabulary) {
            guard let projection = entry.projection, projection.count == k else { continue }
            for j in 0..<k { latent[j] += q * projection[j] }
        }
        return cosineScores(latent)
    }

    /// E x / ||x|| for every row of the embedding matrix (rows are unit length).
    func cosineScores(_ vector: [Float]) -> [Float] {
        let k = metadata.k
        let rows = documents.count
        var x = vector
        var norm: Float = 0
        for v in x { norm += v * v }
        var scores = [Float](repeating: 0, count: rows)
        guard norm > 0, rows > 0, k > 0 else { return scores }
        let inv = 1 / norm.squareRoot()
        for j in 0..<k { x[j] *= inv }
        documents.embeddings.withUnsafeBufferPointer { e in
            x.withUnsafeBufferPointer { xp in
                scores.withUnsafeMutableBufferPointer { s in
                    guard let ep = e.baseAddress, let xb = xp.baseAddress, let sp = s.baseAddress else { return }
                    BLAS.sgemv(transpose: false, m: rows, n: k, alpha: 1, a: ep, lda: k, x: xb, beta: 0, y: sp)
                }
            }
        }
        return scores
    }

    // MARK: - Filters and results

    /// Rows passing the filter, or nil when there is no filter.
    func allowedRows(_ filter: SearchFilter) throws -> Set<Int>? {
        guard !filter.isEmpty else { return nil }
        let (sql, arguments) = filter.sql
        let pids = try store.read { db in try Int64.fetchSet(db, sql: sql, arguments: StatementArguments(arguments)) }
        var rows = Set<Int>()
        for (row, pid) in documents.pids.enumerated() where pids.contains(pid) { rows.insert(row) }
        return rows
    }

    func hits(_ entries: [TopK.Entry], bm25: [Float]?, cosine: [Float]?) throws -> [SearchHit] {
        try store.read { db in
            var result: [SearchHit] = []
            for (rank, entry) in entries.enumerated() {
                guard let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM papers WHERE pid = ?", arguments: [entry.key])
                else { continue }
                let id: String = row["id"]
                let tags = try String.fetchAll(
                    db, sql: "SELECT DISTINCT tag FROM tags WHERE paper_id = ? AND origin != 'arxiv-category' ORDER BY tag",
                    arguments: [id])
                let categories: String = row["categories"] ?? ""
                result.append(SearchHit(
                    rank: rank + 1, id: id, score: entry.score, bm25: bm25?[entry.row], cosine: cosine?[entry.row],
                    title: row["title"], published: row["published"],
                    categories: categories.split(separator: " ").map(String.init), tags: tags,
                    abstract: row["abstract"]))
            }
            return result
        }
    }
}

/// Mean and standard deviation of a score vector, for z-score fusion.
struct ScoreStatistics {
    let mean: Float
    let std: Float

    init(_ scores: [Float], skipping dead: Set<Int>) {
        var sum = 0.0, sumSquares = 0.0, n = 0.0
        for (i, s) in scores.enumerated() where !dead.contains(i) {
            sum += Double(s)
            sumSquares += Double(s) * Double(s)
            n += 1
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
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        let id: String
        if let parsed = ArxivID.parse(trimmed) {
            id = parsed.id
        } else if ArxivID.isNamespaced(trimmed) {
            id = trimmed
        } else {
            throw PaperSearchError.invalidArxivID(value: reference)
        }
        guard let pid = try store.read({ db in
            try Int64.fetchOne(db, sql: "SELECT pid FROM papers WHERE id = ?", arguments: [id])
        }), let row = documents.pids.lastIndex(of: pid), !documents.dead.contains(row) else {
            throw PaperSearchError.unknownPaper(id: id)
        }
        let k = metadata.k
        let vector = Array(documents.embeddings[(row * k)..<((row + 1) * k)])
        let scores = cosineScores(vector)
        let allowed = try allowedRows(options.filter)
        var topK = TopK(k: options.limit)
        for i in 0..<documents.count where i != row && !documents.dead.contains(i) && (allowed?.contains(i) ?? true) {
            if documents.pids[i] == pid { continue }
            topK.offer(row: i, key: documents.pids[i], score: scores[i])
        }
        return try hits(topK.entries, bm25: nil, cosine: scores)
    }
}

extension QueryEngine {
    /// Live document rows in the model.
    public var documentCount: Int { documents.count - documents.dead.count }
}
