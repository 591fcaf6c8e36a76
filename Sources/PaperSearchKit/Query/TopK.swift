/// Bounded top-k selection: the k highest scores, ties broken by the smaller key, in one
/// pass with a k-element sorted buffer (k is small: 10 to a few hundred).
struct TopK {
    struct Entry: Equatable {
        var row: Int
        var key: Int64
        var score: Float
    }

    let k: Int
    private(set) var entries: [Entry] = []

    init(k: Int) {
        self.k = max(0, k)
        entries.reserveCapacity(self.k + 1)
    }

    /// Whether (score, key) ranks before `other`.
    @inline(__always)
    static func precedes(_ score: Float, _ key: Int64, _ other: Entry) -> Bool {
        score > other.score || (score == other.score && key < other.key)
    }

    @inline(__always)
    mutating func offer(row: Int, key: Int64, score: Float) {
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
