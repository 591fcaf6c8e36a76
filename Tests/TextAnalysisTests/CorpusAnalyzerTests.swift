import Foundation
import XCTest
@testable import Core
@testable import TextAnalysis
@testable import NumericKernels


/// `CorpusAnalyzer` against a plain sequential reference (one `Analyzer`, one String
/// dictionary, documents in order: what the indexer did before the work was split), for any
/// thread count and batch split; and its building blocks (`TokenIDTable`, the byte-wise
/// alphabetical order, the in-place sort).
final class CorpusAnalyzerTests: XCTestCase {
    typealias Document = (title: String, abstract: String)

    /// The reference: terms numbered in byte-wise order, each document's pairs sorted by id,
    /// weights summed in token order (title first), lengths summed in first-occurrence order.
    private func reference(_ docs: [Document], options: AnalyzerOptions = .init(), titleWeight: Float) throws -> TermCounts {
        let analyzer = try Analyzer(options: options)
        var ids: [String: UInt32] = [:]
        var terms: [String] = []
        var counts = TermCounts()
        for doc in docs {
            var weight: [UInt32: Float] = [:]
            var touched: [UInt32] = []
            for (text, w) in [(doc.title, titleWeight), (doc.abstract, 1)] {
                analyzer.forEachTerm(text) { term in
                    let id: UInt32
                    if let known = ids[term] {
                        id = known
                    } else {
                        id = UInt32(terms.count)
                        ids[term] = id
                        terms.append(term)
                    }
                    if weight[id, default: 0] == 0 { touched.append(id) }
                    weight[id, default: 0] += w
                }
            }
            var length: Float = 0
            for id in touched {
                counts.termIDs.append(id)
                counts.weights.append(weight[id] ?? 0)
                length += weight[id] ?? 0
            }
            counts.offsets.append(counts.termIDs.count)
            counts.lengths.append(length)
        }
        let order = terms.indices.sorted { terms[$0].utf8.lexicographicallyPrecedes(terms[$1].utf8) }
        var newID = [UInt32](repeating: 0, count: terms.count)
        for (rank, old) in order.enumerated() { newID[old] = UInt32(rank) }
        counts.terms = order.map { terms[$0] }
        for d in 0..<counts.documentCount {
            let range = counts.offsets[d]..<counts.offsets[d + 1]
            let pairs = range.map { (newID[Int(counts.termIDs[$0])], counts.weights[$0]) }.sorted { $0.0 < $1.0 }
            for (i, pair) in zip(range, pairs) {
                counts.termIDs[i] = pair.0
                counts.weights[i] = pair.1
            }
        }
        return counts
    }

    private func analyze(
        _ docs: [Document], batches: [Int], threads: Int, options: AnalyzerOptions = .init(), titleWeight: Float
    ) throws -> TermCounts {
        let corpus = try CorpusAnalyzer(options: options, titleWeight: titleWeight, threads: threads)
        var start = 0
        var b = 0
        while start < docs.count {
            let size = batches[b % batches.count]
            corpus.add(batch: Array(docs[start..<min(docs.count, start + size)]))
            start += size
            b += 1
        }
        return corpus.finish()
    }

    private func assertIdentical(_ a: TermCounts, _ b: TermCounts, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.terms, b.terms, "terms", file: file, line: line)
        XCTAssertEqual(a.terms.map { Array($0.utf8) }, b.terms.map { Array($0.utf8) }, "term bytes", file: file, line: line)
        XCTAssertEqual(a.offsets, b.offsets, "offsets", file: file, line: line)
        XCTAssertEqual(a.termIDs, b.termIDs, "term ids", file: file, line: line)
        XCTAssertEqual(a.weights.map(\.bitPattern), b.weights.map(\.bitPattern), "weights", file: file, line: line)
        XCTAssertEqual(a.lengths.map(\.bitPattern), b.lengths.map(\.bitPattern), "lengths", file: file, line: line)
    }

    /// A deterministic synthetic corpus: words, hyphen compounds, numbers, LaTeX, URLs,
    /// diacritics, Greek and CJK, with a long tail of rare made-up words.
    private func corpus(_ count: Int) -> [Document] {
        let words = [
            "Large", "language", "models", "LLMs", "retrieval", "long-context", "state-of-the-art", "GPT-4V",
            "transformer", "attention", "the", "of", "and", "10,000", "3.5", "2023", "\\textit{pause}",
            "\\cite{x}", "https://github.com/a/b", "Schr\\\"odinger", "naïve", "café", "Σίσυφος", "言語モデル",
            "GPUs", "don't", "model's", "x", "benchmark", "covid-19", "α-β", "Ｆｕｌｌwidth",
        ]
        var rng = SeededRandom(seed: 7)
        var docs: [Document] = []
        for d in 0..<count {
            func text(_ n: Int) -> String {
                var parts: [String] = []
                for _ in 0..<n {
                    let r = Int(rng.next() % 1000)
                    parts.append(r < 900 ? words[r % words.count] : "rare\(r)w\(d % 97)")
                }
                return parts.joined(separator: r(&rng) ? " " : ", ")
            }
            docs.append((text(Int(rng.next() % 8)), text(Int(rng.next() % 60))))
        }
        return docs
    }

    private func r(_ rng: inout SeededRandom) -> Bool { rng.next() % 2 == 0 }

    func testMatchesSequentialReferenceForAnyThreadsAndBatches() throws {
        let docs = corpus(1500)
        let expected = try reference(docs, titleWeight: 2)
        for threads in [1, 2, 3] {
            for batches in [[4096], [1], [700, 1, 257, 33]] where !(batches == [1] && threads == 3) {
                assertIdentical(try analyze(docs, batches: batches, threads: threads, titleWeight: 2), expected)
            }
        }
    }

    func testNonIntegerTitleWeightAndSklearnTokenization() throws {
        let docs = corpus(600)
        var options = AnalyzerOptions()
        options.tokenization = .sklearn
        let expected = try reference(docs, options: options, titleWeight: 1.3)
        assertIdentical(try analyze(docs, batches: [256, 100], threads: 2, options: options, titleWeight: 1.3), expected)
    }

    /// Canonically equivalent spellings (precomposed Hangul vs conjoining jamo; NFC vs NFD `é` when
    /// diacritics are kept) are one String, so one term, spelled as at its first occurrence in
    /// document order, whichever worker saw it.
    func testCanonicallyEquivalentTermsAreOneTerm() throws {
        var docs = corpus(900)
        docs[10].abstract += " \u{1112}\u{1161} cafe\u{301}s"  // jamo 하, NFD é
        docs[600].abstract += " \u{D558} caf\u{E9}s"  // precomposed 하, NFC é
        docs[5].title += " caf\u{E9}"
        for fold in [true, false] {
            var options = AnalyzerOptions()
            options.foldDiacritics = fold
            let expected = try reference(docs, options: options, titleWeight: 1)
            XCTAssertEqual(expected.terms.filter { $0 == "\u{D558}" }.count, 1)
            for threads in [1, 2, 3] {
                assertIdentical(try analyze(docs, batches: [300], threads: threads, options: options, titleWeight: 1), expected)
            }
        }
    }

    func testEmptyCorpusAndEmptyDocuments() throws {
        let empty = try analyze([], batches: [10], threads: 2, titleWeight: 1)
        XCTAssertEqual(empty.documentCount, 0)
        XCTAssertEqual(empty.offsets, [0])
        let docs: [Document] = [("", ""), ("a the", "of"), ("Retrieval", ""), ("", "")]
        let counts = try analyze(docs, batches: [3], threads: 2, titleWeight: 1)
        assertIdentical(counts, try reference(docs, titleWeight: 1))
        XCTAssertEqual(counts.offsets, [0, 0, 0, 1, 1])
        // A finished analyzer starts afresh.
        let corpus = try CorpusAnalyzer(options: AnalyzerOptions(), titleWeight: 1, threads: 2)
        corpus.add(batch: docs)
        _ = corpus.finish()
        corpus.add(batch: [("long context", "")])
        XCTAssertEqual(corpus.finish().terms, ["context", "long"])
    }

    func testTokenIDTable() {
        let table = TokenIDTable(capacity: 4)
        var rng = SeededRandom(seed: 3)
        var keys: [[UInt8]] = []
        var seen = Set<[UInt8]>()
        while keys.count < 5000 {
            let n = 1 + Int(rng.next() % 40)
            let key = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next() % 4 + 0x61) }
            if seen.insert(key).inserted { keys.append(key) }
        }
        for (i, key) in keys.enumerated() {
            key.withUnsafeBufferPointer { k in
                XCTAssertEqual(table.find(k.baseAddress!, k.count), TokenIDTable.notFound)
                table.insert(k.baseAddress!, k.count, UInt32(i))
            }
        }
        XCTAssertEqual(table.count, keys.count)
        for (i, key) in keys.enumerated() {
            // Found from a copy (another address), with bytes around it that must not matter.
            let padded = [0xFF] + key + [0xFF, 0xFF]
            padded.withUnsafeBufferPointer { k in
                XCTAssertEqual(table.find(k.baseAddress! + 1, key.count), UInt32(i), "key \(key)")
                XCTAssertEqual(table.handle.find(k.baseAddress! + 1, key.count), UInt32(i))
            }
        }
        let absent: [UInt8] = Array("zzzzzzzzzzzzzzzzzzzz".utf8)
        for n in 1...absent.count {
            absent.withUnsafeBufferPointer { XCTAssertEqual(table.find($0.baseAddress!, n), TokenIDTable.notFound) }
        }
    }

    func testAlphabeticalOrderIsByteWise() {
        let terms = ["b", "a", "ab", "aa", "a\u{E9}", "ae", "\u{3B1}", "z", "abc", "abcdefghij", "abcdefghi", "abcdefghik", "10", "9"]
        let expected = terms.indices.sorted { terms[$0].utf8.lexicographicallyPrecedes(terms[$1].utf8) }
        XCTAssertEqual(TermCounts.alphabeticalOrder(terms), expected)
        XCTAssertEqual(TermCounts.alphabeticalOrder([]), [])
    }

    func testInPlaceSort() {
        var rng = SeededRandom(seed: 11)
        for n in [0, 1, 2, 15, 16, 17, 40, 300, 2000] {
            for pattern in 0..<3 {
                var values: [UInt64] = (0..<n).map { i in
                    switch pattern {
                    case 0: return rng.next()
                    case 1: return UInt64(i)  // sorted
                    default: return UInt64(n - i) << 32 | rng.next() % 4  // reversed
                    }
                }
                let expected = values.sorted()
                values.withUnsafeMutableBufferPointer { buffer in
                    if let base = buffer.baseAddress { CorpusAnalyzer.sort(base, n) }
                }
                XCTAssertEqual(values, expected, "n \(n) pattern \(pattern)")
            }
        }
    }
}
