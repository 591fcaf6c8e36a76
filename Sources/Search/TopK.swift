import Core
/// Bounded top-k selection: the k highest scores, ties broken by the smaller key, in one
/// pass with a k-element sorted buffer (k is small: 10 to a few hundred).
///
/// Public for the benchmarks (Benchmarks/) and for callers ranking their own scores.
public struct TopK: Sendable {
    public struct Entry: Equatable, Sendable {
        public var row: Int
        public var key: Int64
        public var score: Float

        @inlinable
        public init(row: Int, key: Int64, score: Float) {
            self.row = row
            self.key = key
            self.score = score
        }
    }

    public let k: Int
    /// The kept entries, best first.
    public private(set) var entries: [Entry] = []
    /// Once k entries are kept: the score and key of the last one, the bar a new entry must pass.
    /// Kept apart from `entries` so the common case of a scan (reject) compares two values and
    /// never touches the array.
    @usableFromInline var barScore: Float = .infinity
    @usableFromInline var barKey: Int64 = .min
    @usableFromInline var full: Bool

    public init(k: Int) {
        self.k = max(0, k)
        full = self.k == 0
        entries.reserveCapacity(self.k + 1)
    }

    /// Whether (score, key) ranks before `other`.
    @inline(__always)
    static func precedes(_ score: Float, _ key: Int64, _ other: Entry) -> Bool {
        score > other.score || (score == other.score && key < other.key)
    }

    /// Offers one candidate. Inlinable so a scan in another module (the benchmarks) runs the same
    /// code as `QueryEngine`: the reject test inlined, the rare insertion out of line.
    @inlinable
    public mutating func offer(row: Int, key: Int64, score: Float) {
        if full {
            // Fast reject against the cached bar (the order of `precedes`; NaN never passes).
            guard score > barScore || (score == barScore && key < barKey) else { return }
        }
        insert(Entry(row: row, key: key, score: score))
    }

    /// Sorted insertion (binary search), dropping the last entry when full, then refreshes the bar.
    @usableFromInline @inline(never)
    mutating func insert(_ entry: Entry) {
        if full { entries.removeLast() }
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Self.precedes(entry.score, entry.key, entries[mid]) { hi = mid } else { lo = mid + 1 }
        }
        entries.insert(entry, at: lo)
        if entries.count == k {
            full = true
            barScore = entries[k - 1].score
            barKey = entries[k - 1].key
        }
    }
}
