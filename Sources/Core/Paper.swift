/// One paper as every importer produces it and the store keeps it.
///
/// `id` is the store key: an arXiv id without version (`2309.17453`, `cs/0501001`), or a
/// namespaced id for papers that are not on arXiv (`demo:0001`, `scifact:4983`).
public struct Paper: Sendable, Equatable, Hashable {
    public var id: String
    /// arXiv version number (the `N` of `vN`) when known.
    public var version: Int?
    public var title: String
    public var abstract: String
    /// Authors as one display string ("A. Author, B. Author"), when the source has them.
    public var authors: String?
    /// Categories, primary first.
    public var categories: [String]
    public var primaryCategory: String?
    /// v1 submission time, `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS` (UTC).
    public var published: String?
    /// Last update date when the source has one (`YYYY-MM-DD`).
    public var updated: String?
    /// Which importer produced it: see `PaperSource`.
    public var source: PaperSource
    /// Human tags carried by the source (digest hashtags, demo corpus tags), without `#`.
    public var tags: [String]

    public init(
        id: String, version: Int? = nil, title: String, abstract: String, authors: String? = nil,
        categories: [String] = [], primaryCategory: String? = nil, published: String? = nil,
        updated: String? = nil, source: PaperSource, tags: [String] = []
    ) {
        self.id = id
        self.version = version
        self.title = title
        self.abstract = abstract
        self.authors = authors
        self.categories = categories
        self.primaryCategory = primaryCategory ?? categories.first
        self.published = published
        self.updated = updated
        self.source = source
        self.tags = tags
    }
}

/// Where a paper came from; stored as the raw value.
public enum PaperSource: String, Sendable, CaseIterable, Codable {
    case arxivJSONL = "arxiv-jsonl"
    case kaggle = "kaggle"
    case beir = "beir"
    case digest = "digest"
    case atom = "atom"
    case demo = "demo"
}
