import Core
/// Settings of one query.
public struct QueryOptions: Sendable, Equatable {
    public var mode: SearchMode = .hybrid
    public var limit: Int = 10
    public var filter = SearchFilter()
    /// BM25 parameters (Robertson & Zaragoza 2009); Lucene's defaults.
    public var k1: Float = 1.2
    public var b: Float = 0.75
    /// Hybrid: score = z(BM25) + alpha * z(LSA cosine), z over all candidate papers.
    public var alpha: Float = 0.3
    /// Attach a `HitExplanation` to every hit.
    public var explain = false

    public init() {}
}
