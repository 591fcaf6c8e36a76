import Foundation

/// One evaluation of batch tagging (`papersearch tag --evaluate`): the options and the metrics.
public struct TagEvaluation: Codable, Sendable, Equatable {
    public var since: String
    public var until: String?
    public var options: TaggingOptions
    /// Tagged papers published before the evaluated ones that the predictions came from.
    public var candidates: Int
    public var metrics: TagMetrics
}
