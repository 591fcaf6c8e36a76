import XCTest
@testable import NumericKernels
@testable import Search

/// `TopK` against a full sort, with keys offered out of order so ties at the cached bar are
/// decided by the key (the fast-reject path), and with NaN scores (never kept once full).
final class TopKTests: XCTestCase {
    func testMatchesFullSortWithShuffledKeysAndTies() {
        var rng = SeededRandom(seed: 42)
        for trial in 0..<40 {
            let n = Int(rng.next() % 800)
            let scores = (0..<n).map { _ in Float(rng.next() % 12) / 4 }
            var keys = (0..<n).map { Int64($0) }
            keys.shuffle(using: &rng)
            for k in [0, 1, 7, 50] {
                var top = TopK(k: k)
                for i in 0..<n { top.offer(row: i, key: keys[i], score: scores[i]) }
                let expected = (0..<n).sorted {
                    scores[$0] > scores[$1] || (scores[$0] == scores[$1] && keys[$0] < keys[$1])
                }.prefix(k)
                XCTAssertEqual(top.entries.map(\.row), Array(expected), "trial \(trial), k \(k)")
            }
        }
    }

    func testNaNIsNotKeptOnceFull() {
        var top = TopK(k: 2)
        top.offer(row: 0, key: 0, score: 1)
        top.offer(row: 1, key: 1, score: 2)
        top.offer(row: 2, key: 2, score: .nan)
        XCTAssertEqual(top.entries.map(\.row), [1, 0])
    }
}
