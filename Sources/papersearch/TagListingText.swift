import Foundation
import Core

/// `papersearch tags`'s text layout: aligned columns.
extension TagListing {
    /// Aligned text columns.
    func text() -> String {
        var lines: [String] = []
        if let counts {
            let width = max(3, counts.map { $0.tag.count }.max() ?? 0)
            lines.append(pad("tag", width) + "  papers   human  category  predicted")
            for c in counts {
                lines.append(pad(c.tag, width) + "  " + left("\(c.papers)", 6) + "  " + left("\(c.human)", 6) + "  "
                    + left("\(c.category)", 8) + "  " + left("\(c.predicted)", 9))
            }
            if counts.isEmpty { lines.append("(no tags)") }
        }
        if let tags {
            let width = max(3, tags.map { $0.tag.count }.max() ?? 0)
            lines.append("\(paper ?? ""): \(tags.count) tags")
            for t in tags {
                var line = "  " + pad(t.tag, width) + "  " + pad(t.origin, 14)
                if t.origin == "predicted" {
                    line += String(format: "  %.3f", t.confidence ?? 0) + "  " + (t.model ?? "")
                }
                lines.append(line.trimmingTrailingSpaces())
            }
        }
        return lines.joined(separator: "\n")
    }

    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    private func left(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }
}

extension String {
    /// Without trailing spaces (a padded last column leaves none at the end of a line).
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
