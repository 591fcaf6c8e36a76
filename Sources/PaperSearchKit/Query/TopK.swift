/// Bounded top-k selection: the k highest scores, ties broken by the smaller key, in one
/// pass with a k-element sorted buffer (k is small: 10 to a few hundred).
///
/// Public for the benchmarks (Benchmarks/) and for callers ranking their own scores.
public struct TopK: Sendable {
    public struct Entry: Equatable, Sendable {
        public var row: Int
        public var key: Int64
        public var score: Float
    }

    public let k: Int
    /// The kept entries, best first.
    public private(set) var entries: [Entry] = []

    public init(k: Int) {
        self.k = max(0, k)
        entries.reserveCapacity(self.k + 1)
    }

    /// Whether (score, key) ranks before `other`.
    @inline(__always)
    static func precedes(_ score: Float, _ key: Int64, _ other: Entry) -> Bool {
        score > other.score || (score == other.score && key < other.key)
    }

    @inline(__always)
    public mutating func offer(row: Int, key: Int64, score: Float) {
        if entries.count == k {
            guard k > 0, let last = entries.last, Self.precedes(score, key, last) else { return }
            entries.removeLast()
        }
        // Binary search for the insertion point.
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Self.precedes(score, key, entries[mid]) { hi = mid } else { lo = mid + 1 }
        }
        entries.insert(Entry(row: row, key: key, score: score), at: lo)
    }
}
