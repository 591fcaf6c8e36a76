import Core
/// The latent space of one fitted LSA model, and the one place a text is folded into it: the
/// query engine (queries, `related --explain`), `add` (`IndexAdder`) and tagging (`TextEmbedder`) all
/// call `fold`, so a folded paper, a tagged text and a query land at the same point.
///
/// LSA fold-in (Deerwester et al. 1990, section 4; Berry, Dumais & O'Brien 1995, "folding-in"):
/// with the truncated SVD A ~ U_k S_k V_k^T of the documents x terms TF-IDF matrix, a fitted
/// document's coordinates are u_i S_k = a_i V_k. A new row a (query or paper) is placed the same
/// way, y = a V_k. The textbook form q^ = S_k^-1 U_k^T q (terms x documents orientation) also
/// divides by S_k; this code does not: documents are compared by cosine, and the stored fitted
/// embeddings are the rows of U_k S_k normalised to unit length (`Indexer.embeddings`), so the
/// folded vector is y = a V_k, normalised to unit length. ||y||^2 (a is a unit vector) is the share
/// of the row's norm the latent space captures (`IndexStaleness`).
///
/// Steps (every caller's float operations, in this order; see `fold`):
/// 1. w_t = sublinear(tf_t) * idf_t for each term of the LSA vocabulary (terms without an idf are
///    skipped), in the caller's term order; S = sum of w_t^2 in that order.
/// 2. a_t = w_t * (1 / sqrt(S)) (or w_t / sqrt(S), `RowScaling.quotient`), 0 when S = 0.
/// 3. y_j = sum_t a_t v_tj (v_t: the term's row of V_k), terms in the same order.
/// 4. e = y * (1 / sqrt(||y||^2)), 0 when ||y||^2 = 0.
public struct LatentSpace: Sendable {
    /// Number of latent components.
    public let k: Int

    public init(k: Int) { self.k = k }

    /// How step 2 divides by ||w||. Both exist because the stored results depend on them:
    /// queries and tagging multiply by the reciprocal, `add` divides (folded embeddings
    /// written by earlier versions must stay the same bits).
    public enum RowScaling: Sendable {
        case reciprocal, quotient
    }

    /// A text's L2-normalised TF-IDF row over the LSA vocabulary (steps 1-2).
    package struct TFIDFRow {
        /// The row's terms, in the caller's order, and their normalised weights a_t.
        package var terms: [VocabularyTerm] = []
        package var weights: [Float] = []
        /// ||w||, the norm before normalisation (0 for a text with no model term).
        package var norm: Float = 0
    }

    /// A folded text.
    package struct Folded {
        package var row: TFIDFRow
        /// y = a V_k before step 4 (the explanation's shares divide by its norm).
        package var latent: [Float]
        /// ||y||^2: the captured share of the row's norm.
        package var captured: Float
        /// e = y / ||y||: the unit embedding (zero when ||y|| = 0).
        package var embedding: [Float]
    }

    /// Steps 1-2 for `counts` (term, weighted term frequency), in the order given.
    static func tfidfRow(
        _ counts: some Sequence<(String, Float)>, vocabulary: [String: VocabularyTerm],
        scaling: RowScaling = .reciprocal
    ) -> TFIDFRow {
        var row = TFIDFRow()
        var sum: Float = 0
        // Step 1: sublinear tf x idf, and the squared norm accumulated in term order.
        for (term, count) in counts {
            guard let entry = vocabulary[term], let idf = entry.idf else { continue }
            let w = TFIDFWeighting.sublinear(count) * idf
            row.terms.append(entry)
            row.weights.append(w)
            sum += w * w
        }
        // Step 2: unit length.
        let norm = sum.squareRoot()
        row.norm = norm
        switch scaling {
        case .reciprocal:
            let inv = sum > 0 ? 1 / norm : 0
            for i in row.weights.indices { row.weights[i] *= inv }
        case .quotient:
            guard norm > 0 else {
                for i in row.weights.indices { row.weights[i] = 0 }
                break
            }
            for i in row.weights.indices { row.weights[i] /= norm }
        }
        return row
    }

    /// Step 3: y = a V_k (terms whose V_k row is missing or not k long contribute nothing).
    func project(_ row: TFIDFRow) -> [Float] {
        var y = [Float](repeating: 0, count: k)
        for (entry, a) in zip(row.terms, row.weights) {
            guard let v = entry.projection, v.count == k else { continue }
            for j in 0..<k { y[j] += a * v[j] }
        }
        return y
    }

    /// Step 4 (also the cosine scan's normalisation of any latent vector): x / ||x|| and ||x||^2;
    /// zeros when ||x||^2 is not positive.
    package static func unit(_ x: [Float]) -> (vector: [Float], squaredNorm: Float) {
        var squared: Float = 0
        for v in x { squared += v * v }
        guard squared > 0 else { return ([Float](repeating: 0, count: x.count), squared) }
        var out = x
        let inv = 1 / squared.squareRoot()
        for j in out.indices { out[j] *= inv }
        return (out, squared)
    }

    /// Steps 1-4 for one text's (term, weighted tf) pairs, in the order given.
    package func fold(
        _ counts: some Sequence<(String, Float)>, vocabulary: [String: VocabularyTerm],
        scaling: RowScaling = .reciprocal
    ) -> Folded {
        let row = Self.tfidfRow(counts, vocabulary: vocabulary, scaling: scaling)
        let latent = project(row)
        let (embedding, captured) = Self.unit(latent)
        return Folded(row: row, latent: latent, captured: captured, embedding: embedding)
    }

    /// `fold` of a term -> count map with the terms in sorted order (queries and texts).
    package func fold(_ tf: [String: Float], vocabulary: [String: VocabularyTerm]) -> Folded {
        fold(tf.sorted { $0.key < $1.key }.lazy.map { ($0.key, $0.value) }, vocabulary: vocabulary)
    }
}
