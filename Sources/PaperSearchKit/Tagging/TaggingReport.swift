import Foundation

/// What `papersearch tag` prints: per paper the suggested tags, each with its confidence and
/// the neighbours that support it most.
public struct TaggingReport: Codable, Sendable, Equatable {
    public struct Evidence: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        public var similarity: Double
    }

    public struct Suggestion: Codable, Sendable, Equatable {
        public var tag: String
        public var confidence: Double
        public var evidence: [Evidence]
    }

    public struct PaperTags: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        public var published: String?
        /// "stored" (the model's embedding) or "folded" (folded in from the text).
        public var embedding: String
        /// Tags the paper already carries (of the evidence source), for comparison.
        public var currentTags: [String]
        public var suggestions: [Suggestion]
    }

    /// Name predicted tags are stored under.
    public var model: String
    public var options: TaggingOptions
    /// Tagged papers the batch was scored against.
    public var candidates: Int
    public var papers: [PaperTags]
    /// With --apply: papers whose predictions were stored, and ids not in the store.
    public var applied: Int?
    public var notStored: [String]?

    /// Text output: one block per paper.
    public func text() -> String {
        var lines: [String] = []
        let folded = papers.filter { $0.embedding == "folded" }.count
        lines.append("\(papers.count) papers (\(folded) folded in from text) against \(candidates) tagged papers; "
            + "k=\(options.neighbours) power=\(Self.number(Double(options.power))) "
            + "threshold=\(Self.number(Double(options.threshold))) top=\(options.top) tags-from=\(options.tagsFrom.rawValue)")
        for paper in papers {
            lines.append("")
            var head = "\(paper.id)  \(Self.clip(paper.title, 90))"
            if paper.embedding == "folded" { head += "  [folded in]" }
            lines.append(head)
            if !paper.currentTags.isEmpty { lines.append("  current: " + paper.currentTags.joined(separator: " ")) }
            if paper.suggestions.isEmpty { lines.append("  (no suggestion: no tagged neighbour)") }
            let width = max(8, paper.suggestions.map { $0.tag.count }.max() ?? 0)
            for suggestion in paper.suggestions {
                let tag = suggestion.tag.padding(toLength: width, withPad: " ", startingAt: 0)
                let lead = "  \(tag)  " + String(format: "%.3f", suggestion.confidence)
                if suggestion.evidence.isEmpty { lines.append(lead) }
                for (i, evidence) in suggestion.evidence.enumerated() {
                    let prefix = i == 0 ? lead : String(repeating: " ", count: lead.count)
                    lines.append(prefix + "  " + String(format: "%.3f", evidence.similarity) + "  "
                        + "\(evidence.id)  \(Self.clip(evidence.title, 70))")
                }
            }
        }
        if let applied {
            lines.append("")
            var line = "stored predicted tags of \(applied) papers as \(model)"
            if let notStored, !notStored.isEmpty {
                line += "; \(notStored.count) not in the store (use --add): " + notStored.joined(separator: " ")
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    static func clip(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    static func number(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(format: "%g", x)
    }

    /// Rounds a score for output (stable JSON).
    static func rounded(_ x: Float) -> Double { (Double(x) * 10000).rounded() / 10000 }
}
