import Foundation

/// Minimal data-parallel loop used by the numerical kernels.
///
/// Work is cut into chunks whose boundaries depend only on the input (never on timing), and each output
/// element is produced by exactly one chunk in a fixed order, so results are bit-for-bit identical
/// whatever the thread count or scheduling.
enum Parallel {
    /// Worker threads to use: the active processor count (at least 1).
    static var threadCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Runs `body(chunk)` for chunk in 0..<chunks, concurrently when `chunks > 1`.
    /// `body` must only write memory owned by its chunk.
    static func forEach(chunks: Int, _ body: @Sendable (Int) -> Void) {
        if chunks <= 0 { return }
        if chunks == 1 {
            body(0)
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks, execute: body)
    }

    /// Splits 0..<count into at most `chunks` contiguous ranges of roughly equal total `weight`, where
    /// `prefixWeight(i)` is the non-decreasing cumulative weight of items 0..<i (so `prefixWeight(0)`
    /// is the start and `prefixWeight(count)` the total). Returns the chunk boundaries (first 0, last
    /// `count`), without empty chunks.
    static func balancedBoundaries(count: Int, chunks: Int, prefixWeight: (Int) -> Int) -> [Int] {
        guard count > 0 else { return [0, 0] }
        let parts = max(1, min(chunks, count))
        let start = prefixWeight(0)
        let total = prefixWeight(count) - start
        var bounds = [0]
        for part in 1..<parts {
            // First index whose cumulative weight reaches part/parts of the total (binary search).
            let target = start + Int((Double(total) * Double(part) / Double(parts)).rounded())
            var lo = bounds[bounds.count - 1], hi = count
            while lo < hi {
                let mid = (lo + hi) / 2
                if prefixWeight(mid) < target { lo = mid + 1 } else { hi = mid }
            }
            if lo > bounds[bounds.count - 1] && lo < count { bounds.append(lo) }
        }
        bounds.append(count)
        return bounds
    }
}
