import Core
/// Which stored tags count as a paper's tags (as evidence for neighbours, and as the truth
/// of an evaluation). Predicted tags never do.
public enum TagSource: String, CaseIterable, Sendable, Codable {
    /// Tags set by people (digest hashtags, `tags add`, demo corpus tags).
    case human
    /// arXiv categories (`cs.CL`, ...).
    case categories
    /// Both.
    case all

    /// The `tags.origin` values this source reads.
    public var origins: [String] {
        switch self {
        case .human: return ["human"]
        case .categories: return ["arxiv-category"]
        case .all: return ["arxiv-category", "human"]
        }
    }

    public static func parse(_ text: String) throws -> TagSource {
        guard let source = TagSource(rawValue: text.lowercased()) else {
            throw PaperSearchError.invalidOption(option: "--tags-from", value: text, expected: "human, categories or all")
        }
        return source
    }
}
