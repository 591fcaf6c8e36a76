import Foundation

/// Multi-label quality of predicted tags against true tags, as scikit-learn defines them
/// (`f1_score(average='micro')`, `f1_score(average='samples')`, with 0 for 0/0):
/// - micro-F1 = 2 TP / (2 TP + FP + FN), counts summed over all papers;
/// - samples-F1 = mean over papers of 2 |P ∩ T| / (|P| + |T|);
/// - precision@1 = share of papers whose best-ranked predicted tag is a true tag.
public struct TagMetrics: Codable, Sendable, Equatable {
    public var papers: Int
    public var truePositives: Int
    public var falsePositives: Int
    public var falseNegatives: Int
    public var microF1: Double
    public var samplesF1: Double
    public var precisionAt1: Double

    /// `predicted[i]` ranked best first; `truth[i]` the true tags of paper i.
    public init(predicted: [[String]], truth: [Set<String>]) {
        precondition(predicted.count == truth.count, "TagMetrics: \(predicted.count) predictions for \(truth.count) papers")
        var tp = 0, fp = 0, fn = 0
        var samples = 0.0, atOne = 0.0
        for (p, t) in zip(predicted, truth) {
            let set = Set(p)
            let hit = set.intersection(t).count
            tp += hit
            fp += set.count - hit
            fn += t.count - hit
            let denominator = set.count + t.count
            samples += denominator > 0 ? 2 * Double(hit) / Double(denominator) : 0
            if let first = p.first, t.contains(first) { atOne += 1 }
        }
        papers = predicted.count
        truePositives = tp
        falsePositives = fp
        falseNegatives = fn
        microF1 = tp > 0 ? 2 * Double(tp) / Double(2 * tp + fp + fn) : 0
        samplesF1 = papers > 0 ? samples / Double(papers) : 0
        precisionAt1 = papers > 0 ? atOne / Double(papers) : 0
    }
}
