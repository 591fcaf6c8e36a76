import Foundation
import Store

/// BM25 (Robertson & Zaragoza 2009) with binary query terms over one snapshot's live rows:
/// score(d) = sum_t idf_t * tf_td (k1 + 1) / (tf_td + k1 (1 - b + b dl_d / avgdl)),
/// idf_t = ln(1 + (N - df_t + 0.5) / (df_t + 0.5)), N and df_t over live rows only.
///
/// `contribution` is the one place the summand is written: `scores` adds it up over the
/// postings and `explain` reports it per term (as Lucene's `SimScorer` / tantivy's
/// `Bm25Weight::explain` reuse their scoring), so the shares sum to the score.
struct BM25Scorer {
    let k1: Float
    let b: Float
    /// N: live rows (at least 1).
    let live: Float
    let avgdl: Float
    let lengths: [Float]
    let dead: Set<Int>

    init(documents: ModelReader.Documents, totalLength: Double, options: QueryOptions) {
        k1 = options.k1
        b = options.b
        live = Float(max(1, documents.count - documents.dead.count))
        avgdl = Float(totalLength) / live
        lengths = documents.lengths
        dead = documents.dead
    }

    /// A term's document frequency over the live rows: rows superseded by `add` (dead) keep
    /// their postings until the next refit and are not counted.
    func liveDocumentFrequency(_ list: [(row: Int, tf: Float)]) -> Float {
        Float(dead.isEmpty ? list.count : list.reduce(0) { $0 + (dead.contains($1.row) ? 0 : 1) })
    }

    /// idf_t from the term's postings.
    func idf(_ list: [(row: Int, tf: Float)]) -> Float {
        let df = liveDocumentFrequency(list)
        return log(1 + (live - df + 0.5) / (df + 0.5))
    }

    /// The term's summand for a document of length `length` holding it `tf` times.
    @inline(__always)
    func contribution(idf: Float, tf: Float, length: Float) -> Float {
        let norm = k1 * (1 - b + b * length / max(avgdl, 1e-6))
        return idf * tf * (k1 + 1) / (tf + norm)
    }

    /// BM25 of every row (0 for rows without a query term); `terms` in sorted order.
    func scores(_ terms: [String], postings: [String: [(row: Int, tf: Float)]], rows: Int) -> [Float] {
        var scores = [Float](repeating: 0, count: rows)
        for term in terms {
            guard let list = postings[term], !list.isEmpty else { continue }
            let idf = self.idf(list)
            lengths.withUnsafeBufferPointer { lengths in
                for (row, tf) in list { scores[row] += contribution(idf: idf, tf: tf, length: lengths[row]) }
            }
        }
        return scores
    }

    /// The term's share of row `row`'s score (the row holds it `tf` > 0 times).
    func explain(tf: Float, row: Int, postings list: [(row: Int, tf: Float)]) -> Float {
        contribution(idf: idf(list), tf: tf, length: lengths[row])
    }
}
