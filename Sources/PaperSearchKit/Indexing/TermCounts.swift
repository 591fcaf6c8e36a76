import Foundation

/// Weighted term frequencies of a sequence of documents, as produced by `CorpusAnalyzer`:
/// a term dictionary plus, per document, its (term id, weighted count) pairs.
///
/// Stored flat (CSR-like: `offsets[d] ..< offsets[d + 1]`) so a million documents cost a few
/// arrays, not a million small allocations.
///
/// Public (with `CorpusAnalyzer` and `TFIDFMatrix`) so the benchmarks can time each indexing stage.
public struct TermCounts: Sendable {
    /// Term strings; the index is the term id.
    public var terms: [String] = []
    public var offsets: [Int] = [0]
    public var termIDs: [UInt32] = []
    public var weights: [Float] = []
    /// BM25 length of each document: the sum of its weighted counts.
    public var lengths: [Float] = []

    public var documentCount: Int { offsets.count - 1 }

    public init() {}

    /// Document frequency of each term.
    public func documentFrequencies() -> [Int32] {
        var df = [Int32](repeating: 0, count: terms.count)
        for id in termIDs { df[Int(id)] += 1 }
        return df
    }

    /// The indices of `terms` in the alphabetical (byte-wise UTF-8) order of the strings.
    /// `CorpusAnalyzer` numbers terms in this order, which makes the stored vocabulary
    /// independent of how work was split across threads. Terms must be distinct.
    ///
    /// The strings are copied into one byte buffer and compared there by 8-byte big-endian
    /// words (much cheaper than comparing String UTF-8 views through a closure).
    static func alphabeticalOrder(_ terms: [String]) -> [Int] {
        var start = [Int](repeating: 0, count: terms.count + 1)
        for (i, term) in terms.enumerated() { start[i + 1] = start[i] + term.utf8.count }
        // 8 bytes of padding, so a word load at any key position stays inside the buffer.
        var bytes = [UInt8](repeating: 0, count: start[terms.count] + 8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            for (i, term) in terms.enumerated() {
                var term = term
                term.withUTF8 { utf8 in
                    guard let base = utf8.baseAddress, let out = buffer.baseAddress else { return }
                    (out + start[i]).update(from: base, count: utf8.count)
                }
            }
        }
        var order = Array(terms.indices)
        bytes.withUnsafeBufferPointer { buffer in
            start.withUnsafeBufferPointer { start in
                guard let base = buffer.baseAddress else { return }
                let raw = UnsafeRawPointer(base)
                order.sort { a, b in
                    var i = start[a]
                    var j = start[b]
                    let endA = start[a + 1]
                    let endB = start[b + 1]
                    while i < endA && j < endB {
                        // The next n bytes of each key, first byte most significant; bytes past
                        // the shorter key's end are masked off.
                        let n = min(8, endA - i, endB - j)
                        let mask: UInt64 = ~0 << UInt64(8 * (8 - n))
                        let x = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) & mask
                        let y = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)) & mask
                        if x != y { return x < y }
                        i += n
                        j += n
                    }
                    // One is a prefix of the other: the shorter comes first.
                    return endA - i < endB - j
                }
            }
        }
        return order
    }
}
