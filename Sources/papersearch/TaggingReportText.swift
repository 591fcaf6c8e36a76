import Foundation
import Tagging

/// `papersearch tag`'s text layout (the library returns the report; the terminal layout lives here).
extension TaggingReport {
    /// Text output: one block per paper.
    func text() -> String {
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

    /// `text` cut to `limit` characters with an ellipsis, so a long title keeps its line.
    static func clip(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// An option value as typed: `8` rather than `8.0`, `0.35` rather than `0.350000`.
    static func number(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(format: "%g", x)
    }
}
