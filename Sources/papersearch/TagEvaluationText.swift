import Foundation
import Tagging

/// `papersearch tag --evaluate`'s text layout: one evaluation, or a sweep's table.
extension TagEvaluation {
    /// The options and metrics of one evaluation, three lines.
    func text() -> String {
        let window = until.map { "\(since) to \($0)" } ?? "since \(since)"
        return """
            \(metrics.papers) papers \(window) tagged from \(candidates) earlier papers (tags from \(options.tagsFrom.rawValue))
            k=\(options.neighbours) power=\(TaggingReport.number(Double(options.power))) threshold=\(TaggingReport.number(Double(options.threshold))) top=\(options.top) half-life=\(options.halfLife.map { TaggingReport.number(Double($0)) } ?? "off")
            micro-F1 \(String(format: "%.4f", metrics.microF1))  samples-F1 \(String(format: "%.4f", metrics.samplesF1))  precision@1 \(String(format: "%.4f", metrics.precisionAt1))  (TP \(metrics.truePositives), FP \(metrics.falsePositives), FN \(metrics.falseNegatives))
            """
    }

    /// One line per evaluation, best micro-F1 first, for a sweep.
    static func table(_ evaluations: [TagEvaluation]) -> String {
        var lines = ["k  power  threshold  top  half-life  micro-F1  samples-F1  precision@1"]
        let sorted = evaluations.sorted {
            $0.metrics.microF1 > $1.metrics.microF1
                || ($0.metrics.microF1 == $1.metrics.microF1 && $0.options.neighbours < $1.options.neighbours)
        }
        for e in sorted {
            let o = e.options
            lines.append(String(
                format: "%-3d %-6@ %-10@ %-4d %-10@ %.4f    %.4f      %.4f", o.neighbours,
                TaggingReport.number(Double(o.power)) as NSString, TaggingReport.number(Double(o.threshold)) as NSString,
                o.top, (o.halfLife.map { TaggingReport.number(Double($0)) } ?? "-") as NSString, e.metrics.microF1, e.metrics.samplesF1, e.metrics.precisionAt1))
        }
        return lines.joined(separator: "\n")
    }
}
