import Foundation

/// Turns (title, abstract) texts into `TermCounts`, on every core.
///
/// Each worker owns an `Analyzer` (the stemmer is not thread-safe) and a local term
/// dictionary, so the hot loop hashes each token once with no locking. After each batch the
/// workers' local ids are translated to global ids on one thread, in document order, so the
/// result does not depend on scheduling.
public final class CorpusAnalyzer {
    private final class Worker: @unchecked Sendable {
        let analyzer: Analyzer
        var localIDs: [String: UInt32] = [:]
        var localTerms: [String] = []
        /// Global id of each local term, filled during merges.
        var globalID: [UInt32] = []
        /// Per-document scratch: weighted count by local id and the ids touched.
        var scratch: [Float] = []
        var touched: [UInt32] = []
        /// Output of the current batch: per document a range of (local id, weight) pairs.
        var docOffsets: [Int] = [0]
        var docTerms: [UInt32] = []
        var docWeights: [Float] = []

        init(options: AnalyzerOptions) throws { analyzer = try Analyzer(options: options) }

        func add(_ text: String, weight: Float) {
            analyzer.forEachTerm(text) { term in
                let id: UInt32
                if let known = localIDs[term] {
                    id = known
                } else {
                    id = UInt32(localTerms.count)
                    localIDs[term] = id
                    localTerms.append(term)
                    scratch.append(0)
                }
                if scratch[Int(id)] == 0 { touched.append(id) }
                scratch[Int(id)] += weight
            }
        }

        func analyze(title: String, abstract: String, titleWeight: Float) {
            add(title, weight: titleWeight)
            add(abstract, weight: 1)
            for id in touched {
                docTerms.append(id)
                docWeights.append(scratch[Int(id)])
                scratch[Int(id)] = 0
            }
            touched.removeAll(keepingCapacity: true)
            docOffsets.append(docTerms.count)
        }

        func resetBatch() {
            docOffsets.removeAll(keepingCapacity: true)
            docOffsets.append(0)
            docTerms.removeAll(keepingCapacity: true)
            docWeights.removeAll(keepingCapacity: true)
        }
    }

    private let workers: [Worker]
    private let titleWeight: Float
    private var globalIDs: [String: UInt32] = [:]
    private(set) var counts = TermCounts()

    public init(options: AnalyzerOptions, titleWeight: Float, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        workers = try (0..<max(1, threads)).map { _ in try Worker(options: options) }
        self.titleWeight = titleWeight
    }

    /// Analyses one batch of documents (in order) and appends them to `counts`.
    public func add(batch: [(title: String, abstract: String)]) {
        let workers = self.workers
        let n = batch.count
        let parts = min(workers.count, max(1, n))
        let titleWeight = self.titleWeight
        batch.withUnsafeBufferPointer { docs in
            nonisolated(unsafe) let docs = docs
            DispatchQueue.concurrentPerform(iterations: parts) { w in
                let worker = workers[w]
                worker.resetBatch()
                for i in (n * w / parts)..<(n * (w + 1) / parts) {
                    worker.analyze(title: docs[i].title, abstract: docs[i].abstract, titleWeight: titleWeight)
                }
            }
        }
        // Merge in document order: translate local ids to global ids.
        for w in 0..<parts {
            let worker = workers[w]
            while worker.globalID.count < worker.localTerms.count {
                let term = worker.localTerms[worker.globalID.count]
                if let id = globalIDs[term] {
                    worker.globalID.append(id)
                } else {
                    let id = UInt32(counts.terms.count)
                    globalIDs[term] = id
                    counts.terms.append(term)
                    worker.globalID.append(id)
                }
            }
            for d in 0..<(worker.docOffsets.count - 1) {
                var length: Float = 0
                for i in worker.docOffsets[d]..<worker.docOffsets[d + 1] {
                    counts.termIDs.append(worker.globalID[Int(worker.docTerms[i])])
                    counts.weights.append(worker.docWeights[i])
                    length += worker.docWeights[i]
                }
                counts.offsets.append(counts.termIDs.count)
                counts.lengths.append(length)
            }
        }
    }

    /// Hands over the result (alphabetical term ids).
    public func finish() -> TermCounts {
        var result = counts
        counts = TermCounts()
        globalIDs = [:]
        result.sortTermsAlphabetically()
        return result
    }
}
