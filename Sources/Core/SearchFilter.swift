/// Restrictions on which papers may be returned (the SQL that applies them: `PaperStore.pids(passing:)`).
public struct SearchFilter: Sendable, Equatable {
    public var category: String?
    /// Inclusive bounds on the published date, `YYYY-MM-DD`.
    public var since: String?
    public var until: String?
    public var tag: String?

    public init(category: String? = nil, since: String? = nil, until: String? = nil, tag: String? = nil) {
        self.category = category
        self.since = since
        self.until = until
        self.tag = tag
    }

    public var isEmpty: Bool { category == nil && since == nil && until == nil && tag == nil }
}
