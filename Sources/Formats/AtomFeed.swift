import Core
/// One parsed arXiv API response (an Atom feed): its papers and the OpenSearch paging numbers.
///
/// The paging numbers are `nil` when the feed does not carry them (e.g. a hand-made Atom file).
public struct AtomFeed: Sendable, Equatable {
    /// The feed's entries as papers, in feed order (source `.atom`).
    public var papers: [Paper]
    /// `opensearch:totalResults`: how many results the whole query has.
    public var totalResults: Int?
    /// `opensearch:startIndex`: the 0-based index of this page's first entry.
    public var startIndex: Int?
    /// `opensearch:itemsPerPage`: the page size the API used.
    public var itemsPerPage: Int?

    /// Creates a feed value.
    public init(papers: [Paper], totalResults: Int? = nil, startIndex: Int? = nil, itemsPerPage: Int? = nil) {
        self.papers = papers
        self.totalResults = totalResults
        self.startIndex = startIndex
        self.itemsPerPage = itemsPerPage
    }
}
