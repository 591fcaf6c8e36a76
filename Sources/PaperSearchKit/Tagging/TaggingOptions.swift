/// How `BatchTagger` votes. Defaults were chosen by `papersearch tag --evaluate --sweep` on the
/// arXiv sample (papers since 2025-10-01 against everything before, categories as tags).
public struct TaggingOptions: Sendable, Codable, Equatable {
    /// Neighbours that vote.
    public var neighbours: Int = 10
    /// A neighbour's vote weight is max(similarity, 0)^power.
    public var power: Float = 1
    /// Minimum confidence (share of the vote weight) of a suggested tag; the best tag is always kept.
    public var threshold: Float = 0.4
    /// At most this many tags per paper.
    public var top: Int = 5
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
        guard (0...20).contains(evidence) else {
            throw PaperSearchError.invalidOption(option: "--evidence", value: "\(evidence)", expected: "a number from 0 to 20")
        }
    }

    /// The name predicted tags are stored under, e.g. `knn-k10@2025-10-10T12:00:00Z`.
    public func modelName(createdAt: String) -> String { "knn-k\(neighbours)@\(createdAt)" }
}
