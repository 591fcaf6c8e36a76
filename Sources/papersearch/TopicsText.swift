import Foundation
import Search

/// `papersearch topics` without `--json`: the terminal layout lives with the CLI.
extension LatentTopics {
    /// Terminal listing: one line per component with both ends.
    public func text() -> String {
        if topics.isEmpty { return "no topics" }
        return topics.map { t in
            let sv = String(format: "%.2f", t.singularValue)
            return "\(String(t.component).leftPad(3))  s=\(sv)\n     + \(t.positive.joined(separator: " "))\n     - \(t.negative.joined(separator: " "))"
        }.joined(separator: "\n")
    }
}
