/// One row of a fitted model's vocabulary: what the store keeps of a term and what the scorers and
/// the fold-in (`LatentSpace`) need of it.
public struct VocabularyTerm: Sendable {
    public var id: Int
    public var term: String
    /// Document frequency over all live rows (fit + every folded segment).
    public var df: Int
    /// Inverse document frequency, for terms of the LSA vocabulary (nil for BM25-only terms).
    public var idf: Float?
    /// The term's column of the TF-IDF matrix the SVD saw (nil for BM25-only terms).
    public var column: Int?
    /// The term's row of V_k (k floats), for terms of the LSA vocabulary.
    public var projection: [Float]?

    public init(id: Int, term: String, df: Int, idf: Float?, column: Int?, projection: [Float]?) {
        self.id = id
        self.term = term
        self.df = df
        self.idf = idf
        self.column = column
        self.projection = projection
    }
}
