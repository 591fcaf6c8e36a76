import Foundation
import Indexing

/// The text layout of an import summary (`import`, `add`, `fetch`).
extension PaperImporter.Summary {
    /// One line for the terminal.
    func text() -> String {
        var line = "\(file) [\(format)]: \(records) papers (\(inserted) new, \(updated) updated, \(unchanged) unchanged"
        if skipped > 0 { line += ", \(skipped) invalid skipped" }
        line += String(format: ") in %.2f s", seconds)
        for reason in firstSkipped { line += "\n  skipped: \(reason)" }
        return line
    }
}
