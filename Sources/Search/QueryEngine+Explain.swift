import TextAnalysis
import NumericKernels
import Store
/// `--explain`: per-hit term and concept attributions (definitions in `HitExplanation`). Every
/// number comes from the scorers' own per-term functions (`BM25Scorer.explain`,
/// `TFIDFCosineScorer.explain`, `LatentCosineScorer.share`) and the query's fold-in
/// (`LatentSpace.fold`), so no formula is written twice.
extension QueryEngine {
    static let explainedTerms = 8
    static let explainedConcepts = 3
    static let conceptTerms = 5

    func explain(
        _ hits: [SearchHit], entries: [RankedEntry], queryTF: [String: Float], query: LatentSpace.Folded,
        postings: [String: [(row: Int, tf: Float)]], fusion: Fusion, options: QueryOptions
    ) throws -> [SearchHit] {
        guard hits.count == entries.count, !hits.isEmpty else { return hits }
        let rows = entries.map(\.row)
        let wanted = Set(rows)
        // Term frequencies of the query terms in the hits.
        var tfs: [String: [Int: Float]] = [:]
        for (term, list) in postings {
            for (row, tf) in list where wanted.contains(row) { tfs[term, default: [:]][row] = tf }
        }
        let bm25 = bm25Scorer(options)
        let tfidf = tfidfScorer
        let latentNorm = query.captured.squareRoot()
        let embeddings = try embeddingRows(rows)
        let usesBM25 = options.mode == .bm25 || options.mode == .hybrid
        let usesLSA = options.mode == .lsa || options.mode == .hybrid
        let qByTerm = Dictionary(
            zip(query.row.terms, query.row.weights).map { ($0.0.term, ($0.0, $0.1)) }, uniquingKeysWith: { a, _ in a })

        var result = hits
        var concepts: [[(Int, Float, Bool)]] = []
        for (n, row) in rows.enumerated() {
            let e = embeddings[n]
            var terms: [HitExplanation.Term] = []
            for term in queryTF.keys.sorted() {
                let tf = tfs[term]?[row] ?? 0
                var item = HitExplanation.Term(term: term, shared: tf > 0, contribution: 0)
                if usesBM25, tf > 0, let list = postings[term] {
                    item.bm25 = bm25.explain(tf: tf, row: row, postings: list)
                }
                if let (entry, q) = qByTerm[term] {
                    if usesLSA {
                        item.lsa = latent.share(weight: q, projection: entry.projection, embedding: e, latentNorm: latentNorm)
                    }
                    if options.mode == .tfidf {
                        item.tfidf = tfidf.explain(q: q, entry: entry, tf: tf, row: row)
                    }
                }
                switch options.mode {
                case .bm25: item.contribution = item.bm25 ?? 0
                case .tfidf: item.contribution = item.tfidf ?? 0
                case .lsa: item.contribution = item.lsa ?? 0
                case .hybrid: item.contribution = fusion.hybridShare(bm25: item.bm25, lsa: item.lsa)
                }
                if item.shared || item.contribution != 0 { terms.append(item) }
            }
            terms.sort { abs($0.contribution) != abs($1.contribution) ? abs($0.contribution) > abs($1.contribution) : $0.term < $1.term }
            result[n].explanation = HitExplanation(terms: Array(terms.prefix(Self.explainedTerms)), concepts: [])
            concepts.append(latentNorm > 0 ? Self.topProducts(query.latent.map { $0 / latentNorm }, e) : [])
        }
        return try name(result, concepts: concepts)
    }

    /// `related --explain`: the source paper's TF-IDF row (analysed as the indexer does, title
    /// weighted) folded in, and each shared term's share of the cosine with it.
    func explainRelated(
        _ hits: [SearchHit], entries: [RankedEntry], sourcePid: Int64, latent unitSource: [Float], analyzer: Analyzer
    ) throws -> [SearchHit] {
        guard hits.count == entries.count, !hits.isEmpty else { return hits }
        guard let paper = try store.titleAndAbstract(pid: sourcePid) else { return hits }
        var counts: [String: Float] = [:]
        analyzer.forEachTerm(paper.title) { counts[$0, default: 0] += metadata.titleWeight }
        analyzer.forEachTerm(paper.abstract) { counts[$0, default: 0] += 1 }
        let vocabulary = try store.vocabulary(of: counts.keys.sorted(), k: metadata.k, model: version)
        let source = space.fold(counts, vocabulary: vocabulary)
        let yNorm = source.captured.squareRoot()
        let embeddings = try embeddingRows(entries.map(\.row))
        var result = hits
        var concepts: [[(Int, Float, Bool)]] = []
        for (n, hit) in hits.enumerated() {
            let e = embeddings[n]
            var hitTerms = Set<String>()
            analyzer.forEachTerm(hit.title) { hitTerms.insert($0) }
            analyzer.forEachTerm(hit.abstract) { hitTerms.insert($0) }
            var terms: [HitExplanation.Term] = []
            for (entry, q) in zip(source.row.terms, source.row.weights) where hitTerms.contains(entry.term) {
                guard let share = latent.share(weight: q, projection: entry.projection, embedding: e, latentNorm: yNorm)
                else { continue }
                terms.append(HitExplanation.Term(term: entry.term, shared: true, contribution: share, lsa: share))
            }
            terms.sort { $0.contribution != $1.contribution ? $0.contribution > $1.contribution : $0.term < $1.term }
            result[n].explanation = HitExplanation(terms: Array(terms.prefix(Self.explainedTerms)), concepts: [])
            concepts.append(Self.topProducts(unitSource, e))
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
        let topics = try LatentTopics.load(store, k: metadata.k, components: components, terms: Self.conceptTerms)
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
