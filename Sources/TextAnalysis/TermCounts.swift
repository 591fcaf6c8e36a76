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
    static func alphabeticalOrder(_ terms: [String]) -> [Int] {
        var bytes: [UInt8] = []
        var start = [0]
        start.reserveCapacity(terms.count + 1)
        for term in terms {
            bytes.append(contentsOf: term.utf8)
            start.append(bytes.count)
        }
        return alphabeticalOrder(bytes: bytes, start: start)
    }

    /// `alphabeticalOrder` of terms given as one byte buffer (term i is
    /// `bytes[start[i] ..< start[i + 1]]`): compared in place with `memcmp`, much cheaper than
    /// comparing String UTF-8 views through a closure.
    static func alphabeticalOrder(bytes: [UInt8], start: [Int]) -> [Int] {
        var order = Array(0..<(start.count - 1))
        var padded = bytes
        padded.append(0)  // never empty: the buffer always has a base address
        padded.withUnsafeBufferPointer { buffer in
            start.withUnsafeBufferPointer { start in
                guard let p = buffer.baseAddress else { return }
                order.sort { a, b in
                    compareBytes((p + start[a], start[a + 1] - start[a]), (p + start[b], start[b + 1] - start[b])) < 0
                }
            }
        }
        return order
    }

    /// Byte-wise comparison of two UTF-8 strings (negative, zero, positive), as
    /// `lexicographicallyPrecedes` on their `utf8` views orders them: a prefix comes first.
    @inline(__always)
    static func compareBytes(_ a: (UnsafePointer<UInt8>, Int), _ b: (UnsafePointer<UInt8>, Int)) -> Int {
        let c = memcmp(a.0, b.0, min(a.1, b.1))
        if c != 0 { return Int(c) }
        return a.1 - b.1
    }
}
