/// Cosines of a unit query vector with every row; `bound` is set when they are approximate
/// (int8 codes, `QuantizedEmbeddings`): row i's exact cosine lies within `delta(i)` of `values[i]`.
struct CosineScores {
    /// The int8 error bound: |e_i . x - s_i (c_i . x)| <= s_i * factor, with s_i the row's scale
    /// and factor = ||x||_1 / 2 plus the query's fixed-point rounding (`Int8Scan.errorFactor`).
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
