import Foundation

/// A large scratch buffer of floats backed by transparent huge pages where the kernel offers
/// them (`madvise(MADV_HUGEPAGE)` on 2 MB-aligned memory; Debian's default THP mode is
/// "madvise"). A 128 MB score block then faults in 64 pages instead of 32,768: measured ~60 ms
/// of the 1,000-paper tagging search on this machine went to first-touch faults of 4 KB pages.
/// Contents start uninitialised; the owner writes before reading.
package final class LargeFloatBuffer {
    package let pointer: UnsafeMutableBufferPointer<Float>
    private let raw: UnsafeMutableRawPointer?

    /// Room for `count` floats.
    package init(count: Int) {
        let hugePage = 2 * 1024 * 1024
        let bytes = max(1, count) * MemoryLayout<Float>.stride
        // Round up to whole huge pages so the advice covers the whole block.
        let rounded = (bytes + hugePage - 1) / hugePage * hugePage
        var memory: UnsafeMutableRawPointer? = nil
        if posix_memalign(&memory, hugePage, rounded) == 0, let memory {
            _ = madvise(memory, rounded, MADV_HUGEPAGE)  // advice only: 4 KB pages if refused
            raw = memory
            pointer = UnsafeMutableBufferPointer(start: memory.bindMemory(to: Float.self, capacity: count), count: count)
        } else {
            raw = nil
            pointer = .allocate(capacity: max(1, count))
        }
    }

    deinit {
        if let raw { free(raw) } else { pointer.deallocate() }
    }
}
