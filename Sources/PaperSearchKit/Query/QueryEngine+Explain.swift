import Foundation
import GRDB

/// `--explain`: per-hit term and concept attributions (definitions in `HitExplanation`).
extension QueryEngine {
    static let explainedTerms = 8
    static let explainedConcepts = 3
    static let conceptTerms = 5

    func explain(
        _ hits: [SearchHit], entries: [RankedEntry], queryTF: [String: Float], vocabulary: [String: ModelReader.Term],
        postings: [String: [(row: Int, tf: Float)]], cosine: CosineScores?, fusion: Fusion, options: QueryOptions
    ) throws -> [SearchHit] {
        guard hits.count == entries.count, !hits.isEmpty else { return hits }
        let rows = entries.map(\.row)
        let wanted = Set(rows)
        // Term frequencies of the query terms in the hits.
        var tfs: [String: [Int: Float]] = [:]
        for (term, list) in postings {
            for (row, tf) in list where wanted.contains(row) { tfs[term, default: [:]][row] = tf }
        }
        let live = Float(max(1, documents.count - documents.dead.count))
        let avgdl = Float(metadata.totalLength) / live
        let query = queryVector(queryTF, vocabulary: vocabulary)
        let k = metadata.k
        var latent = [Float](repeating: 0, count: k)
        for (entry, q) in query {
            guard let v = entry.projection, v.count == k else { continue }
            for j in 0..<k { latent[j] += q * v[j] }
        }
        let latentNorm = latent.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let embeddings = try embeddingRows(rows)
        let usesBM25 = options.mode == .bm25 || options.mode == .hybrid
        let usesLSA = options.mode == .lsa || options.mode == .hybrid
        let qByTerm = Dictionary(query.map { ($0.0.term, ($0.0, $0.1)) }, uniquingKeysWith: { a, _ in a })

        var result = hits
        var concepts: [[(Int, Float, Bool)]] = []
        for (n, row) in rows.enumerated() {
            let e = embeddings[n]
            var terms: [HitExplanation.Term] = []
            for term in queryTF.keys.sorted() {
                let tf = tfs[term]?[row] ?? 0
                var item = HitExplanation.Term(term: term, shared: tf > 0, contribution: 0)
                if usesBM25, tf > 0, let list = postings[term] {
                    let df = liveDocumentFrequency(list)
                    let idf = log(1 + (live - df + 0.5) / (df + 0.5))
                    let norm = options.k1 * (1 - options.b + options.b * documents.lengths[row] / max(avgdl, 1e-6))
                    item.bm25 = idf * tf * (options.k1 + 1) / (tf + norm)
                }
                if let (entry, q) = qByTerm[term] {
                    if usesLSA, latentNorm > 0, let v = entry.projection, v.count == k, e.count == k {
                        var dot: Float = 0
                        for j in 0..<k { dot += v[j] * e[j] }
                        item.lsa = q * dot / latentNorm
                    }
                    if options.mode == .tfidf, let idf = entry.idf, documents.norms[row] > 0 {
                        item.tfidf = tf > 0 ? q * TFIDFWeighting.sublinear(tf) * idf / documents.norms[row] : 0
                    }
                }
                switch options.mode {
                case .bm25: item.contribution = item.bm25 ?? 0
                case .tfidf: item.contribution = item.tfidf ?? 0
                case .lsa: item.contribution = item.lsa ?? 0
                case .hybrid:
                    let b = (item.bm25 ?? 0) / ((fusion.bm25?.std ?? 1) + 1e-9)
                    let c = options.alpha * (item.lsa ?? 0) / ((fusion.cosine?.std ?? 1) + 1e-9)
                    item.contribution = b + c
                }
                if item.shared || item.contribution != 0 { terms.append(item) }
            }
            terms.sort { abs($0.contribution) != abs($1.contribution) ? abs($0.contribution) > abs($1.contribution) : $0.term < $1.term }
            result[n].explanation = HitExplanation(terms: Array(terms.prefix(Self.explainedTerms)), concepts: [])
            concepts.append(latentNorm > 0 ? Self.topProducts(latent.map { $0 / latentNorm }, e) : [])
        }
        return try name(result, concepts: concepts)
    }

    func explainRelated(
        _ hits: [SearchHit], entries: [RankedEntry], sourceRow: Int, sourcePid: Int64, latent: [Float]
    ) throws -> [SearchHit] {
        guard hits.count == entries.count, !hits.isEmpty else { return hits }
        let k = metadata.k
        // The source paper's TF-IDF weights, analysed as the indexer does (title weighted).
        guard let paper = try store.read({ db in
            try Row.fetchOne(db, sql: "SELECT title, abstract FROM papers WHERE pid = ?", arguments: [sourcePid])
        }) else { return hits }
        var counts: [String: Float] = [:]
        analyzer.forEachTerm(paper["title"] ?? "") { counts[$0, default: 0] += metadata.titleWeight }
        analyzer.forEachTerm(paper["abstract"] ?? "") { counts[$0, default: 0] += 1 }
        let distinct = counts.keys.sorted()
        let vocabulary = try store.read { db -> [String: ModelReader.Term] in
            var result: [String: ModelReader.Term] = [:]
            for start in stride(from: 0, to: distinct.count, by: 500) {
                let part = Array(distinct[start..<min(distinct.count, start + 500)])
                result.merge(try ModelReader.terms(db, part, k: k)) { a, _ in a }
            }
            return result
        }
        let query = queryVector(counts, vocabulary: vocabulary)
        var y = [Float](repeating: 0, count: k)
        for (entry, q) in query {
            guard let v = entry.projection, v.count == k else { continue }
            for j in 0..<k { y[j] += q * v[j] }
        }
        let yNorm = y.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let embeddings = try embeddingRows(entries.map(\.row))
        var result = hits
        var concepts: [[(Int, Float, Bool)]] = []
        for (n, hit) in hits.enumerated() {
            let e = embeddings[n]
            var hitTerms = Set<String>()
            analyzer.forEachTerm(hit.title) { hitTerms.insert($0) }
            analyzer.forEachTerm(hit.abstract) { hitTerms.insert($0) }
            var terms: [HitExplanation.Term] = []
            for (entry, q) in query where hitTerms.contains(entry.term) {
                guard yNorm > 0, let v = entry.projection, v.count == k, e.count == k else { continue }
                var dot: Float = 0
                for j in 0..<k { dot += v[j] * e[j] }
                let share = q * dot / yNorm
                terms.append(HitExplanation.Term(term: entry.term, shared: true, contribution: share, lsa: share))
            }
            terms.sort { $0.contribution != $1.contribution ? $0.contribution > $1.contribution : $0.term < $1.term }
            result[n].explanation = HitExplanation(terms: Array(terms.prefix(Self.explainedTerms)), concepts: [])
            concepts.append(Self.topProducts(latent, e))
        }
        return try name(result, concepts: concepts)
    }

    /// The components with the largest x_j e_j (ties by component).
    static func topProducts(_ x: [Float], _ e: [Float]) -> [(Int, Float, Bool)] {
        guard x.count == e.count else { return [] }
        let products = (0..<x.count).map { ($0, x[$0] * e[$0], x[$0] >= 0) }
        let sorted = products.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        return Array(sorted.prefix(explainedConcepts))
    }

    /// Fills the concepts in, naming all components the hits need in one pass over V_k.
    func name(_ hits: [SearchHit], concepts: [[(Int, Float, Bool)]]) throws -> [SearchHit] {
        let components = Array(Set(concepts.flatMap { $0.map(\.0) })).sorted()
        let k = metadata.k
        let topics = try store.read { db in
            try LatentTopics.load(db, k: k, components: components, terms: Self.conceptTerms)
        }
        let byComponent = Dictionary(topics.map { ($0.component, $0) }, uniquingKeysWith: { a, _ in a })
        var result = hits
        for n in result.indices where n < concepts.count {
            result[n].explanation?.concepts = concepts[n].map { j, product, positive in
                HitExplanation.Concept(
                    component: j, contribution: product, side: positive ? "+" : "-",
                    positive: byComponent[j]?.positive ?? [],
                    negative: byComponent[j]?.negative ?? [])
            }
        }
        return result
    }
}
