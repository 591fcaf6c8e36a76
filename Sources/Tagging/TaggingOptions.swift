import Core
/// How `BatchTagger` votes. Defaults were chosen by `papersearch tag --evaluate --sweep` on the
/// arXiv sample (1,631 papers since 2025-10-01 against the 104,089 before, categories as tags):
/// micro-F1 0.6448 with k=10, power 1, threshold 0.4 (the peer's setting); 0.6548 with k=50,
/// power 8; 0.6695 adding a 180-day half-life (neither k=100 nor power 16 did better).
public struct TaggingOptions: Sendable, Codable, Equatable {
    /// Neighbours that vote.
    public var neighbours: Int = 50
    /// A neighbour's vote weight is max(similarity, 0)^power.
    public var power: Float = 8
    /// Minimum confidence (share of the vote weight) of a suggested tag; the best tag is always kept.
    public var threshold: Float = 0.35
    /// At most this many tags per paper.
    public var top: Int = 3
    /// When set, a neighbour's vote is also multiplied by 0.5^(age / halfLife), age being how
    /// many days before the paper it was published.
    public var halfLife: Float? = 180
    /// Supporting neighbours shown per tag.
    public var evidence: Int = 3
    /// Which stored tags the neighbours contribute.
    public var tagsFrom: TagSource = .all

    public init() {}

    /// Checks the ranges; throws `.invalidOption` naming the CLI option.
    public func validate() throws {
        guard (1...1000).contains(neighbours) else {
            throw PaperSearchError.invalidOption(option: "--k", value: "\(neighbours)", expected: "a number from 1 to 1000")
        }
        guard power.isFinite, power >= 0, power <= 64 else {
            throw PaperSearchError.invalidOption(option: "--power", value: "\(power)", expected: "a number from 0 to 64")
        }
        guard threshold.isFinite, threshold >= 0, threshold <= 1 else {
            throw PaperSearchError.invalidOption(option: "--threshold", value: "\(threshold)", expected: "a number from 0 to 1")
        }
        guard (1...100).contains(top) else {
            throw PaperSearchError.invalidOption(option: "--top", value: "\(top)", expected: "a number from 1 to 100")
        }
        if let halfLife, !(halfLife.isFinite && halfLife > 0) {
            throw PaperSearchError.invalidOption(option: "--half-life", value: "\(halfLife)", expected: "a positive number of days")
        }
        guard (0...20).contains(evidence) else {
            throw PaperSearchError.invalidOption(option: "--evidence", value: "\(evidence)", expected: "a number from 0 to 20")
        }
    }

    /// The name predicted tags are stored under, e.g. `knn-k10@2025-10-10T12:00:00Z`.
    public func modelName(createdAt: String) -> String { "knn-k\(neighbours)@\(createdAt)" }
}
