import Foundation

/// What `papersearch tag` prints: per paper the suggested tags, each with its confidence and
/// the neighbours that support it most.
public struct TaggingReport: Codable, Sendable, Equatable {
    public struct Evidence: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        public var similarity: Double
    }

    public struct Suggestion: Codable, Sendable, Equatable {
        public var tag: String
        public var confidence: Double
        public var evidence: [Evidence]
    }

    public struct PaperTags: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        public var published: String?
        /// "stored" (the model's embedding) or "folded" (folded in from the text).
        public var embedding: String
        /// Tags the paper already carries (of the evidence source), for comparison.
        public var currentTags: [String]
        public var suggestions: [Suggestion]
    }

    /// Name predicted tags are stored under.
    public var model: String
    public var options: TaggingOptions
    /// Tagged papers the batch was scored against.
    public var candidates: Int
    public var papers: [PaperTags]
    /// With --apply: papers whose predictions were stored, and ids not in the store.
    public var applied: Int?
    public var notStored: [String]?

    /// Rounds a score for output (stable JSON).
    static func rounded(_ x: Float) -> Double { (Double(x) * 10000).rounded() / 10000 }
}
