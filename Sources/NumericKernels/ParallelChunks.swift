import Foundation

/// Minimal data-parallel loop used by the numerical kernels.
///
/// Callers cut their work into chunks that depend only on the input (never on timing or the thread
/// count), and each output element is produced by exactly one chunk in a fixed order, so results are
/// bit-for-bit identical whatever the thread count or scheduling.
package enum ParallelChunks {
    /// Runs `body(chunk)` for chunk in 0..<chunks, concurrently when `chunks > 1`, on
    /// `DispatchQueue.concurrentPerform`'s pool (one thread per active processor).
    /// `body` must only write memory owned by its chunk.
    package static func forEach(chunks: Int, _ body: @Sendable (Int) -> Void) {
        if chunks <= 0 { return }
        if chunks == 1 {
            body(0)
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks, execute: body)
    }
}
