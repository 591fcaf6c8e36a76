import Foundation
import Core

/// Turns (title, abstract) texts into `TermCounts`, on every core.
///
/// `add(batch:)` only queues the batch: it is cut into chunks of documents that the workers
/// (one per core, each with its own `Analyzer`, since the stemmer is not thread-safe) take in
/// order, while the caller goes on reading the next batch. Each worker maps token bytes straight
/// to its own local term ids (a byte-keyed `TermCache`), so the hot loop builds no String and does
/// no locking. `finish()` waits for the workers, merges their dictionaries into the alphabetical
/// global vocabulary and writes every document's (term id, weight) pairs in document order.
///
/// The result does not depend on scheduling: every document's pairs, weights and length are
/// computed by one worker from that document alone, and the global vocabulary is the union of
/// the local ones in alphabetical order.
public final class CorpusAnalyzer {
    /// Documents per chunk (the unit of work a worker takes).
    static let chunkSize = 256
    /// Batches queued or being analysed at once, so reading cannot run far ahead of analysis.
    static let batchesInFlight = 3

    private let pipeline: Pipeline
    /// Documents added so far (the next document's index).
    private var documentCount = 0

    public init(options: AnalyzerOptions, titleWeight: Float, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        let workers = try (0..<max(1, threads)).map { try Worker(index: $0, options: options) }
        pipeline = Pipeline(workers: workers, titleWeight: titleWeight)
    }

    deinit {
        pipeline.wait()
    }

    /// Queues one batch of documents (in order) for analysis and returns, usually before it is
    /// analysed; `finish()` waits for all of them. Blocks while `batchesInFlight` batches are queued.
    public func add(batch: [(title: String, abstract: String)]) {
        guard !batch.isEmpty else { return }
        pipeline.submit(batch, firstDocument: documentCount)
        documentCount += batch.count
    }

    /// Waits for the queued batches and hands over the result (alphabetical term ids).
    public func finish() -> TermCounts {
        pipeline.wait()
        let result = pipeline.assemble(documentCount: documentCount)
        documentCount = 0
        return result
    }
}

extension CorpusAnalyzer {
    /// A run of consecutive documents of one batch.
    fileprivate struct Job: Sendable {
        var sequence: Int
        var batchIndex: Int
        var batch: [(title: String, abstract: String)]
        var range: Range<Int>
        /// Index (in the whole corpus) of the document at `range.lowerBound`.
        var firstDocument: Int
    }

    /// Where a finished job's documents are: worker, and the index of its first document among
    /// that worker's documents.
    fileprivate struct ChunkResult: Sendable {
        var worker: Int
        var firstLocal: Int
        var count: Int
    }

    /// The job queue and the workers, shared with the worker threads (all mutable state behind `lock`).
    fileprivate final class Pipeline: @unchecked Sendable {
        let workers: [Worker]
        let titleWeight: Float
        private let lock = NSLock()
        private let group = DispatchGroup()
        private let slots = DispatchSemaphore(value: CorpusAnalyzer.batchesInFlight)
        // Protected by `lock`:
        private var queue: [Job] = []
        private var queueHead = 0
        private var idle: [Worker]
        private var results: [ChunkResult] = []
        private var remainingInBatch: [Int: Int] = [:]
        private var batchCount = 0

        init(workers: [Worker], titleWeight: Float) {
            self.workers = workers
            self.titleWeight = titleWeight
            idle = workers.reversed()
        }

        func submit(_ batch: [(title: String, abstract: String)], firstDocument: Int) {
            slots.wait()
            let size = CorpusAnalyzer.chunkSize
            var start: [Worker] = []
            lock.lock()
            let batchIndex = batchCount
            batchCount += 1
            let jobs = (batch.count + size - 1) / size
            remainingInBatch[batchIndex] = jobs
            for j in 0..<jobs {
                let range = (j * size)..<min(batch.count, (j + 1) * size)
                queue.append(Job(
                    sequence: results.count, batchIndex: batchIndex, batch: batch, range: range,
                    firstDocument: firstDocument + range.lowerBound))
                results.append(ChunkResult(worker: 0, firstLocal: 0, count: 0))
            }
            while start.count < jobs, let worker = idle.popLast() { start.append(worker) }
            lock.unlock()
            for worker in start {
                DispatchQueue.global(qos: .userInitiated).async(group: group) { self.drain(worker) }
            }
        }

        /// Runs queued jobs on `worker` until the queue is empty, then parks the worker. A worker
        /// takes jobs in queue order, so it sees its documents in document order.
        private func drain(_ worker: Worker) {
            while true {
                lock.lock()
                guard queueHead < queue.count else {
                    queue.removeAll()
                    queueHead = 0
                    idle.append(worker)
                    lock.unlock()
                    return
                }
                let job = queue[queueHead]
                queue[queueHead].batch = []  // the batch's memory goes with its last job
                queueHead += 1
                lock.unlock()

                let firstLocal = worker.documentCount
                job.batch.withUnsafeBufferPointer { docs in
                    for i in job.range {
                        worker.analyze(
                            title: docs[i].title, abstract: docs[i].abstract, titleWeight: titleWeight,
                            document: job.firstDocument + i - job.range.lowerBound)
                    }
                }

                lock.lock()
                results[job.sequence] = ChunkResult(worker: worker.index, firstLocal: firstLocal, count: job.range.count)
                remainingInBatch[job.batchIndex, default: 0] -= 1
                let batchDone = remainingInBatch[job.batchIndex] == 0
                if batchDone { remainingInBatch[job.batchIndex] = nil }
                lock.unlock()
                if batchDone { slots.signal() }
            }
        }

        /// Waits until every submitted job is done.
        func wait() {
            group.wait()
        }

        /// Builds the result from the workers' outputs (call after `wait()`), and resets them.
        func assemble(documentCount: Int) -> TermCounts {
            let workers = self.workers
            let vocabulary = Self.mergeVocabularies(workers)
            var counts = TermCounts()
            counts.terms = vocabulary.terms

            // Each document's place in the output, in document order.
            var documentWorker = [Int32](repeating: 0, count: documentCount)
            var documentLocal = [Int32](repeating: 0, count: documentCount)
            var offsets = [Int](repeating: 0, count: documentCount + 1)
            var d = 0
            for chunk in results {
                let worker = workers[chunk.worker]
                for k in 0..<chunk.count {
                    let local = chunk.firstLocal + k
                    documentWorker[d] = Int32(chunk.worker)
                    documentLocal[d] = Int32(local)
                    offsets[d + 1] = offsets[d] + worker.pairCount(local)
                    d += 1
                }
            }
            let total = offsets[documentCount]
            let documentOffsets = offsets
            let documentWorkers = documentWorker
            let documentLocals = documentLocal

            // Translate and sort each document's pairs, in parallel over document ranges. Every
            // element is written exactly once, so the arrays start uninitialised.
            let parts = min(max(1, documentCount / 1024), 8 * workers.count)
            var weights: [Float] = []
            var lengths: [Float] = []
            let termIDs = [UInt32](unsafeUninitializedCapacity: total) { termIDs, termCount in
                weights = [Float](unsafeUninitializedCapacity: total) { weights, weightCount in
                    lengths = [Float](unsafeUninitializedCapacity: documentCount) { lengths, lengthCount in
                        nonisolated(unsafe) let termIDs = termIDs
                        nonisolated(unsafe) let weights = weights
                        nonisolated(unsafe) let lengths = lengths
                        DispatchQueue.concurrentPerform(iterations: parts) { part in
                            var keys = [UInt64](repeating: 0, count: 256)
                            for d in (documentCount * part / parts)..<(documentCount * (part + 1) / parts) {
                                let worker = workers[Int(documentWorkers[d])]
                                let local = Int(documentLocals[d])
                                let newID = vocabulary.newIDs[worker.index]
                                lengths[d] = worker.lengths[local]
                                let first = worker.offsets[local]
                                let n = worker.offsets[local + 1] - first
                                if n > keys.count { keys = [UInt64](repeating: 0, count: 2 * n) }
                                keys.withUnsafeMutableBufferPointer { keys in
                                    guard let k = keys.baseAddress else { return }
                                    // (new id, weight bits) in one word: sorting the words sorts by id.
                                    for i in 0..<n {
                                        k[i] = UInt64(newID[Int(worker.terms[first + i])]) << 32
                                            | UInt64(worker.weights[first + i].bitPattern)
                                    }
                                    CorpusAnalyzer.sort(k, n)
                                    let o = documentOffsets[d]
                                    for i in 0..<n {
                                        termIDs[o + i] = UInt32(truncatingIfNeeded: k[i] >> 32)
                                        weights[o + i] = Float(bitPattern: UInt32(truncatingIfNeeded: k[i]))
                                    }
                                }
                            }
                        }
                        lengthCount = documentCount
                    }
                    weightCount = total
                }
                termCount = total
            }
            counts.offsets = offsets
            counts.termIDs = termIDs
            counts.weights = weights
            counts.lengths = lengths
            for worker in workers { worker.reset() }
            results = []
            return counts
        }

        /// The global vocabulary: the union of the workers' terms in alphabetical (byte-wise)
        /// order, and each worker's local id -> global id.
        ///
        /// Terms are united by String equality (as one dictionary over all documents would: a
        /// term's canonically equivalent spellings share an id), and a term is spelled as at its
        /// first occurrence in document order.
        static func mergeVocabularies(_ workers: [Worker]) -> (terms: [String], newIDs: [[UInt32]]) {
            // When every term is in NFC, distinct bytes mean distinct Strings (String equality is
            // canonical equivalence, i.e. equal NFC forms), so a byte-wise merge of the workers'
            // sorted dictionaries unites exactly what String equality unites.
            if workers.allSatisfy(\.allNFC) { return mergeSorted(workers) }
            return mergeByString(workers)
        }

        /// `mergeVocabularies` when byte equality is String equality: each worker sorts its own
        /// terms (in parallel), then one k-way merge of the sorted lists.
        static func mergeSorted(_ workers: [Worker]) -> (terms: [String], newIDs: [[UInt32]]) {
            DispatchQueue.concurrentPerform(iterations: workers.count) { w in workers[w].sortTerms() }
            // All workers' term bytes in one buffer, so one pointer addresses every term.
            var bytes: [UInt8] = []
            var base: [Int] = []
            for worker in workers {
                base.append(bytes.count)
                bytes.append(contentsOf: worker.termBytes)
            }
            bytes.append(0)  // never empty: the buffer always has a base address
            var newIDs = workers.map { [UInt32](repeating: 0, count: $0.localTerms.count) }
            var terms: [String] = []
            terms.reserveCapacity(workers.map(\.localTerms.count).max() ?? 0)
            var heads = [Int](repeating: 0, count: workers.count)
            bytes.withUnsafeBufferPointer { buffer in
                guard let p = buffer.baseAddress else { return }
                /// The bytes of worker w's head term.
                func head(_ w: Int) -> (UnsafePointer<UInt8>, Int) {
                    let worker = workers[w]
                    let local = worker.sortedIDs[heads[w]]
                    return (p + base[w] + worker.termStart[local], worker.termStart[local + 1] - worker.termStart[local])
                }
                while true {
                    var best = -1
                    for w in workers.indices where heads[w] < workers[w].sortedIDs.count {
                        if best < 0 || TermCounts.compareBytes(head(w), head(best)) < 0 { best = w }
                    }
                    if best < 0 { break }
                    let smallest = head(best)
                    let id = UInt32(terms.count)
                    terms.append(workers[best].localTerms[workers[best].sortedIDs[heads[best]]])
                    for w in workers.indices where heads[w] < workers[w].sortedIDs.count {
                        if w == best || TermCounts.compareBytes(head(w), smallest) == 0 {
                            newIDs[w][workers[w].sortedIDs[heads[w]]] = id
                            heads[w] += 1
                        }
                    }
                }
            }
            return (terms, newIDs)
        }

        /// `mergeVocabularies` by String equality, for corpora with terms not in NFC.
        static func mergeByString(_ workers: [Worker]) -> (terms: [String], newIDs: [[UInt32]]) {
            var index: [String: Int] = [:]
            var spelling: [String] = []
            var firstDocument: [Int] = []
            var unionIDs: [[Int]] = []
            index.reserveCapacity(workers.map(\.localTerms.count).max() ?? 0)
            for worker in workers {
                var ids = [Int](repeating: 0, count: worker.localTerms.count)
                for (local, term) in worker.localTerms.enumerated() {
                    let first = worker.firstDocument[local]
                    if let u = index[term] {
                        ids[local] = u
                        if first < firstDocument[u] {
                            spelling[u] = term
                            firstDocument[u] = first
                        }
                    } else {
                        ids[local] = spelling.count
                        index[term] = spelling.count
                        spelling.append(term)
                        firstDocument.append(first)
                    }
                }
                unionIDs.append(ids)
            }
            let order = TermCounts.alphabeticalOrder(spelling)
            var rank = [UInt32](repeating: 0, count: spelling.count)
            for (r, u) in order.enumerated() { rank[u] = UInt32(r) }
            let newIDs = unionIDs.map { ids in ids.map { rank[$0] } }
            return (order.map { spelling[$0] }, newIDs)
        }
    }

    /// Sorts `p[0..<n]` ascending: insertion sort for short runs, else quicksort (median of
    /// three). For a document's (id, weight) words: no allocation, unlike the library sort.
    static func sort(_ p: UnsafeMutablePointer<UInt64>, _ n: Int) {
        @inline(__always) func swap(_ a: Int, _ b: Int) {
            let t = p[a]
            p[a] = p[b]
            p[b] = t
        }
        var lo = 0
        var hi = n
        while hi - lo > 16 {
            let mid = lo + (hi - lo) / 2
            // Median of three to p[mid], then partition around it.
            if p[mid] < p[lo] { swap(mid, lo) }
            if p[hi - 1] < p[lo] { swap(hi - 1, lo) }
            if p[hi - 1] < p[mid] { swap(hi - 1, mid) }
            let pivot = p[mid]
            var i = lo
            var j = hi - 1
            while i <= j {
                while p[i] < pivot { i += 1 }
                while pivot < p[j] { j -= 1 }
                if i <= j {
                    swap(i, j)
                    i += 1
                    j -= 1
                }
            }
            // Recurse into the smaller side, loop on the larger (stack depth O(log n)).
            if j + 1 - lo < hi - i {
                sort(p + lo, j + 1 - lo)
                lo = i
            } else {
                sort(p + i, hi - i)
                hi = j + 1
            }
        }
        if hi - lo > 1 {
            for k in (lo + 1)..<hi {
                let x = p[k]
                var m = k
                while m > lo && x < p[m - 1] {
                    p[m] = p[m - 1]
                    m -= 1
                }
                p[m] = x
            }
        }
    }

    /// One thread's analysis state: an `Analyzer`, a cache from token bytes to local term ids,
    /// the local dictionary, and the (local id, weight) pairs of every document it analysed.
    fileprivate final class Worker: @unchecked Sendable {
        /// The per-document accumulator, behind a pointer: a class's stored `var`s pay a
        /// dynamic exclusivity check on every access, and this is touched once per token.
        struct Accumulator {
            /// Weighted count by local id (zero outside the current document).
            var weight: UnsafeMutablePointer<Float>
            /// Local ids the current document touched, in first-occurrence order.
            var touched: UnsafeMutablePointer<UInt32>
            var touchedCount = 0
            var capacity: Int
        }

        let index: Int
        let analyzer: Analyzer
        private(set) var table = TokenIDTable(capacity: 1 << 12)
        let accumulator: UnsafeMutablePointer<Accumulator>
        /// Local dictionary (consulted only on cache misses).
        var localIDs: [String: UInt32] = [:]
        var localTerms: [String] = []
        /// Index (in the corpus) of the first document that contained each local term.
        var firstDocument: [Int] = []
        /// The local terms' UTF-8 bytes, one after another: term i is `termStart[i] ..< termStart[i + 1]`.
        var termBytes: [UInt8] = []
        var termStart: [Int] = [0]
        /// Whether every local term is in Unicode NFC (ASCII ones trivially are).
        var allNFC = true
        /// Local ids in alphabetical order of their terms (`sortTerms`).
        var sortedIDs: [Int] = []
        /// Output, per document of this worker: `offsets[i] ..< offsets[i + 1]` in `terms`/`weights`.
        var offsets: [Int] = [0]
        var terms: [UInt32] = []
        var weights: [Float] = []
        var lengths: [Float] = []

        var documentCount: Int { offsets.count - 1 }
        func pairCount(_ local: Int) -> Int { offsets[local + 1] - offsets[local] }

        init(index: Int, options: AnalyzerOptions) throws {
            self.index = index
            // The analyzer's own String cache is not used here (`forEachToken` bypasses it).
            analyzer = try Analyzer(options: options, cacheCapacity: 16)
            let capacity = 1 << 16
            let weight = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
            weight.initialize(repeating: 0, count: capacity)
            accumulator = .allocate(capacity: 1)
            accumulator.initialize(
                to: Accumulator(weight: weight, touched: .allocate(capacity: capacity), capacity: capacity))
        }

        deinit {
            accumulator.pointee.weight.deallocate()
            accumulator.pointee.touched.deallocate()
            accumulator.deinitialize(count: 1)
            accumulator.deallocate()
        }

        /// The local id of a term (nil: dropped token), adding it on first sight.
        private func intern(_ term: String?, document: Int) -> UInt32? {
            guard let term else { return nil }
            if let id = localIDs[term] { return id }
            let id = UInt32(localTerms.count)
            localIDs[term] = id
            localTerms.append(term)
            firstDocument.append(document)
            var ascii = true
            for b in term.utf8 {
                termBytes.append(b)
                ascii = ascii && b < 0x80
            }
            termStart.append(termBytes.count)
            if !ascii && allNFC && !term.precomposedStringWithCanonicalMapping.utf8.elementsEqual(term.utf8) {
                allNFC = false
            }
            if localTerms.count > accumulator.pointee.capacity { growAccumulator() }
            return id
        }

        private func growAccumulator() {
            let old = accumulator.pointee
            let capacity = old.capacity * 2
            let weight = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
            weight.initialize(repeating: 0, count: capacity)
            weight.update(from: old.weight, count: old.capacity)
            let touched = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
            touched.update(from: old.touched, count: old.touchedCount)
            old.weight.deallocate()
            old.touched.deallocate()
            accumulator.pointee = Accumulator(
                weight: weight, touched: touched, touchedCount: old.touchedCount, capacity: capacity)
        }

        private func add(_ text: String, weight: Float, document: Int) {
            // The closure's context holds no strong references (self outlives the call): the
            // scanner passes it to its helpers once per token, and a strong capture costs a
            // retain/release pair there each time.
            unowned(unsafe) let worker = self
            let table = self.table.handle
            let a = accumulator
            analyzer.forEachToken(text) { p, n, stemmable in
                var id = table.find(p, n)
                if id == TokenIDTable.notFound { id = worker.miss(p, n, stemmable: stemmable, document: document) }
                guard id != TokenIDTable.dropped else { return }
                if a.pointee.weight[Int(id)] == 0 {
                    a.pointee.touched[a.pointee.touchedCount] = id
                    a.pointee.touchedCount += 1
                }
                a.pointee.weight[Int(id)] += weight
            }
        }

        /// A token the cache does not know: its term (stop words, stemming), its local id, cached.
        @inline(never)
        private func miss(_ p: UnsafePointer<UInt8>, _ n: Int, stemmable: Bool, document: Int) -> UInt32 {
            let term = analyzer.term(token: UnsafeBufferPointer(start: p, count: n), stemmable: stemmable)
            let id = intern(term, document: document) ?? TokenIDTable.dropped
            table.insert(p, n, id)
            return id
        }

        /// Analyses one document and appends its pairs (local ids in first-occurrence order).
        func analyze(title: String, abstract: String, titleWeight: Float, document: Int) {
            add(title, weight: titleWeight, document: document)
            add(abstract, weight: 1, document: document)
            let a = accumulator.pointee
            let touched = UnsafeBufferPointer(start: a.touched, count: a.touchedCount)
            terms.append(contentsOf: touched)
            var length: Float = 0
            for id in touched {
                let w = a.weight[Int(id)]
                weights.append(w)
                length += w
                a.weight[Int(id)] = 0
            }
            accumulator.pointee.touchedCount = 0
            offsets.append(terms.count)
            lengths.append(length)
        }

        /// Fills `sortedIDs`.
        func sortTerms() {
            sortedIDs = TermCounts.alphabeticalOrder(bytes: termBytes, start: termStart)
        }

        /// Forgets the documents and the dictionary (the next corpus starts afresh).
        func reset() {
            localIDs = [:]
            localTerms = []
            firstDocument = []
            termBytes = []
            termStart = [0]
            allNFC = true
            sortedIDs = []
            offsets = [0]
            terms = []
            weights = []
            lengths = []
            table = TokenIDTable(capacity: 1 << 12)
        }
    }
}
