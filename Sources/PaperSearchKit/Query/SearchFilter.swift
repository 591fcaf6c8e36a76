/// Restrictions on which papers may be returned.
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

    /// SQL selecting the pids that pass, with its arguments (every value bound, never spliced).
    var sql: (String, [String]) {
        var clauses: [String] = []
        var arguments: [String] = []
        if let category {
            clauses.append("(' ' || categories || ' ') LIKE ? ESCAPE '\\'")
            arguments.append("% " + category.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + " %")
        }
        if let since {
            clauses.append("published >= ?")
            arguments.append(since)
        }
        if let until {
            // Inclusive day: anything on that date sorts below the next character after it.
            clauses.append("published < ?")
            arguments.append(until + "~")
        }
        if let tag {
            clauses.append("id IN (SELECT paper_id FROM tags WHERE tag = ?)")
            arguments.append(tag)
        }
        let condition = clauses.isEmpty ? "1" : clauses.joined(separator: " AND ")
        return ("SELECT pid FROM papers WHERE \(condition)", arguments)
    }
}
