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

    /// Renumbers terms so ids follow the alphabetical (byte-wise) order of the strings, which
    /// makes the stored vocabulary independent of the order work was split across threads.
    /// Each document's pairs end up sorted by the new id.
    mutating func sortTermsAlphabetically() {
        let order = terms.indices.sorted { terms[$0].utf8.lexicographicallyPrecedes(terms[$1].utf8) }
        var newID = [UInt32](repeating: 0, count: terms.count)
        for (rank, old) in order.enumerated() { newID[old] = UInt32(rank) }
        terms = order.map { terms[$0] }
        for d in 0..<documentCount {
            let range = offsets[d]..<offsets[d + 1]
            var pairs = range.map { (newID[Int(termIDs[$0])], weights[$0]) }
            pairs.sort { $0.0 < $1.0 }
            for (i, pair) in zip(range, pairs) {
                termIDs[i] = pair.0
                weights[i] = pair.1
            }
        }
    }
}
