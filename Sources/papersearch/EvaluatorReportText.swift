import Foundation
import Evaluation

/// `papersearch eval`'s text layout.
extension Evaluator.Report {
    /// The dataset, the configuration and one line per mode.
    func text() -> String {
        var lines = ["\(dataset): \(documents) documents, \(queries) queries"]
        lines.append("  " + configuration.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        lines.append("mode      nDCG@10  Recall@100  MRR@10   ms/query")
        for r in results {
            lines.append(
                r.mode.padding(toLength: 8, withPad: " ", startingAt: 0)
                    + String(format: "  %.4f   %.4f      %.4f   %.2f", r.ndcg10, r.recall100, r.mrr10, r.msPerQuery))
        }
        return lines.joined(separator: "\n")
    }
}
