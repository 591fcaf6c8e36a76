import Foundation
import Store

/// `papersearch info`'s text layout.
extension StoreInfo {
    /// Human-readable report.
    func text() -> String {
        var lines: [String] = []
        lines.append("database:        \(database)")
        lines.append("schema version:  \(schemaVersion) (\(schemaMigrations.last ?? "none"))")
        lines.append("file size:       \(Self.bytes(fileBytes))")
        lines.append("papers:          \(papers)")
        for (source, count) in papersBySource.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(source.padding(toLength: 14, withPad: " ", startingAt: 0)) \(count)")
        }
        let tagTotal = tagsByOrigin.reduce(0) { $0 + $1.tags }
        lines.append("tags:            \(tagTotal)")
        for tag in tagsByOrigin {
            lines.append("  \(tag.origin.padding(toLength: 14, withPad: " ", startingAt: 0)) \(tag.tags) (\(tag.distinct) distinct)")
        }
        lines.append("index:           \(index.state)")
        for (key, value) in index.model.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(key.padding(toLength: 14, withPad: " ", startingAt: 0)) \(value)")
        }
        if index.state != "none" {
            lines.append("  in model       \(index.papersInModel)")
            lines.append("  folded in      \(index.papersFoldedIn)")
            if let share = index.foldedNormShare {
                lines.append("  folded share   \(String(format: "%.3f", share)) of TF-IDF norm captured")
            }
        }
        lines.append("  not indexed    \(index.papersNotIndexed)")
        return lines.joined(separator: "\n")
    }

    /// A byte count in B, KiB, MiB or GiB.
    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(n) B" : String(format: "%.1f %@", value, units[unit])
    }
}
