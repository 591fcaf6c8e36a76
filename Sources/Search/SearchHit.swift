/// One ranked paper: an element of `results` in the `--json` envelope
/// `{"mode": String, "query": String, "results": [SearchHit]}` (schema in README "JSON output").
public struct SearchHit: Codable, Sendable, Equatable {
    public var rank: Int
    public var id: String
    public var score: Float
    /// Component scores, when the mode computed them.
    public var bm25: Float?
    public var cosine: Float?
    public var title: String
    public var published: String?
    public var categories: [String]
    public var tags: [String]
    public var abstract: String
    /// Present with `--explain` (see `HitExplanation`).
    public var explanation: HitExplanation? = nil
}
