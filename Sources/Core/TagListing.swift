import Foundation

/// What `papersearch tags list` prints: tag counts by origin, or one paper's tags.
public struct TagListing: Codable, Sendable, Equatable {
    /// Number of papers carrying a tag, per origin.
    public struct Count: Codable, Sendable, Equatable {
        public var tag: String
        public var human: Int
        public var category: Int
        public var predicted: Int
        public var papers: Int

        public init(tag: String, human: Int, category: Int, predicted: Int, papers: Int) {
            self.tag = tag
            self.human = human
            self.category = category
            self.predicted = predicted
            self.papers = papers
        }
    }

    /// One stored tag of a paper.
    public struct Entry: Codable, Sendable, Equatable {
        public var tag: String
        public var origin: String
        public var confidence: Double?
        public var model: String?
        public var createdAt: String

        public init(tag: String, origin: String, confidence: Double?, model: String?, createdAt: String) {
            self.tag = tag
            self.origin = origin
            self.confidence = confidence
            self.model = model
            self.createdAt = createdAt
        }
    }

    /// Set when listing one paper's tags.
    public var paper: String?
    public var counts: [Count]?
    public var tags: [Entry]?

    public init(paper: String? = nil, counts: [Count]? = nil, tags: [Entry]? = nil) {
        self.paper = paper
        self.counts = counts
        self.tags = tags
    }
}
