import Core
/// Settings of a fit (`papersearch index`); stored with the model in `ModelMetadata`.
public struct IndexerOptions: Sendable, Equatable {
    /// Latent components (LSA dimension).
    public var k: Int = 256
    /// SVD oversampling p (blocks of k + p columns) and warm-start power iterations q (nil: the
    /// defaults chosen by measurement, see `RandomizedSVD.Options`).
    public var oversampling: Int? = nil
    public var powerIterations: Int? = nil
    public var seed: UInt64 = 0x5EED
    public var analyzer = AnalyzerOptions()
    /// How many times a title term counts relative to an abstract term.
    public var titleWeight: Float = 1
    /// TF-IDF vocabulary pruning: a term must occur in at least `minDF` papers and in at most
    /// `maxDFShare` of them (sklearn's min_df=2, max_df=0.5 as in the peer).
    public var minDF = 2
    public var maxDFShare = 0.5
    /// Documents per stored embedding chunk.
    public var chunkRows = 8192

    public init() {}
}
