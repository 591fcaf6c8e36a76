import Foundation

/// BEIR's ranking metrics (Thakur et al. 2021, as computed by pytrec_eval):
/// nDCG@k with graded gain 2^rel - 1 and log2(rank + 1) discount, Recall@k, MRR@k.
public enum RankingMetrics {
    /// nDCG@k of `ranked` document ids against graded relevance `relevant` (id -> grade > 0).
    public static func ndcg(_ ranked: [String], relevant: [String: Int], k: Int) -> Double {
        var dcg = 0.0
        for (i, id) in ranked.prefix(k).enumerated() {
            let grade = relevant[id] ?? 0
            dcg += (pow(2, Double(grade)) - 1) / log2(Double(i + 2))
        }
        var idcg = 0.0
        for (i, grade) in relevant.values.sorted(by: >).prefix(k).enumerated() {
            idcg += (pow(2, Double(grade)) - 1) / log2(Double(i + 2))
        }
        return idcg > 0 ? dcg / idcg : 0
    }

    /// Share of the relevant documents found in the first k.
    public static func recall(_ ranked: [String], relevant: [String: Int], k: Int) -> Double {
        guard !relevant.isEmpty else { return 0 }
        let found = ranked.prefix(k).filter { (relevant[$0] ?? 0) > 0 }.count
        return Double(found) / Double(relevant.count)
    }

    /// Reciprocal rank of the first relevant document within the first k (0 if none).
    public static func mrr(_ ranked: [String], relevant: [String: Int], k: Int) -> Double {
        for (i, id) in ranked.prefix(k).enumerated() where (relevant[id] ?? 0) > 0 {
            return 1 / Double(i + 1)
        }
        return 0
    }
}
