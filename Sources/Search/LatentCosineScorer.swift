import Foundation
import NumericKernels
import Store

/// LSA cosine (Deerwester et al. 1990): cos(x, e_d) = x . e_d for the unit folded query x
/// (`LatentSpace.fold`) and the unit document embeddings e_d of one snapshot.
///
/// The scan is exact float32 (one sgemv over the embeddings) or, on an int8 index,
/// approximate with a per-row error bound (`CosineScores.Bound`), which the ranking closes by
/// re-scoring candidates with `cosine` on their float32 rows. `share` is the one place a term's
/// part of the cosine is written (the explanation's `lsa`).
struct LatentCosineScorer: Sendable {
    let k: Int
    let rows: Int
    /// rows x k float32 embeddings (empty on an int8 index).
    let embeddings: [Float]
    /// The int8 index's row scales (nil: float32 rows). The codes are not held: every scan
    /// streams them from the store's memory-mapped pages, which costs one query the same as
    /// copying them into memory first would, and keeps the snapshot free of state that
    /// would change the strategy from one call to the next.
    let codes: QuantizedEmbeddings?
    let store: PaperStore
    /// The snapshot's model state, checked by each streamed scan.
    let version: PaperStore.ModelVersion

    /// Cosines of the unit vector `x` with every row.
    func scores(unit x: [Float], squaredNorm: Float) throws -> CosineScores {
        var scores = [Float](repeating: 0, count: rows)
        guard squaredNorm > 0, rows > 0, k > 0 else { return CosineScores(values: scores, bound: nil, vector: x) }
        if let codes {
            // s_i (c_i . x), streamed, with its error factor.
            let factor = try store.approximateCosines(codes, x, into: &scores, model: version)
            return CosineScores(values: scores, bound: .init(scales: codes.scales, factor: factor), vector: x)
        }
        embeddings.withUnsafeBufferPointer { e in
            x.withUnsafeBufferPointer { xp in
                scores.withUnsafeMutableBufferPointer { s in
                    guard let ep = e.baseAddress, let xb = xp.baseAddress, let sp = s.baseAddress else { return }
                    BLAS.sgemv(transpose: false, m: rows, n: k, alpha: 1, a: ep, lda: k, x: xb, beta: 0, y: sp)
                }
            }
        }
        return CosineScores(values: scores, bound: nil, vector: x)
    }

    /// The exact cosine x . e of one float32 row (re-scoring), summed in component order.
    @inline(__always)
    func cosine(_ x: [Float], _ e: [Float]) -> Float {
        var s: Float = 0
        for j in 0..<min(e.count, x.count) { s += e[j] * x[j] }
        return s
    }

    /// Term t's share of cos(x, e): with x = y / ||y|| and y = sum_t a_t v_t,
    /// cos = sum_t a_t (v_t . e) / ||y||, so the share is a_t (v_t . e) / ||y||
    /// (nil when the term has no V_k row or ||y|| = 0).
    func share(weight a: Float, projection v: [Float]?, embedding e: [Float], latentNorm: Float) -> Float? {
        guard latentNorm > 0, let v, v.count == k, e.count == k else { return nil }
        var dot: Float = 0
        for j in 0..<k { dot += v[j] * e[j] }
        return a * dot / latentNorm
    }
}
