import Core
import NumericKernels
import Store
/// Cosine of sparse TF-IDF vectors (Salton & Buckley 1988): cos(q, d) = sum_t q_t w_td / ||d||,
/// q the query's unit TF-IDF row (`LatentSpace.tfidfRow`), w_td = sublinear(tf_td) idf_t and
/// ||d|| the document's stored TF-IDF norm.
///
/// `contribution` is the one place the summand is written, for `scores` and `explain`.
struct TFIDFCosineScorer {
    let norms: [Float]

    /// Term t's summand q_t w_td / ||d||.
    @inline(__always)
    func contribution(q: Float, tf: Float, idf: Float, norm: Float) -> Float {
        q * TFIDFWeighting.sublinear(tf) * idf / norm
    }

    /// The cosine of every row with the query row (0 for rows with no query term or no norm).
    func scores(_ query: LatentSpace.TFIDFRow, postings: [String: [(row: Int, tf: Float)]], rows: Int) -> [Float] {
        var scores = [Float](repeating: 0, count: rows)
        for (entry, q) in zip(query.terms, query.weights) {
            guard let idf = entry.idf, let list = postings[entry.term] else { continue }
            for (row, count) in list where norms[row] > 0 {
                scores[row] += contribution(q: q, tf: count, idf: idf, norm: norms[row])
            }
        }
        return scores
    }

    /// Term `entry`'s share of row `row`'s cosine (nil for a row without a norm); 0 when the
    /// row lacks the term (`tf` = 0).
    func explain(q: Float, entry: ModelReader.Term, tf: Float, row: Int) -> Float? {
        guard let idf = entry.idf, norms[row] > 0 else { return nil }
        return tf > 0 ? contribution(q: q, tf: tf, idf: idf, norm: norms[row]) : 0
    }
}
