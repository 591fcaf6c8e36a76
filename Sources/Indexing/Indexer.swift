import Foundation
import Core
import TextAnalysis
import NumericKernels
import Store

/// `papersearch index`: refits the whole model from the stored papers.
///
/// Stages: read papers (one snapshot, pid order) → analyse on every core → TF-IDF matrix →
/// randomized truncated SVD (`RandomizedSVD`: block Krylov, Musco & Musco 2015) → L2-normalised embeddings u_i S_k →
/// BM25 postings → one transaction replacing the previous model.
public struct Indexer: Sendable {
    public struct Summary: Codable, Sendable {
        public var papers: Int
        public var terms: Int
        public var lsaVocabulary: Int
        public var nonZeros: Int
        public var k: Int
        public var oversampling: Int
        public var powerIterations: Int
        public var singularValues: [Float]
        public var seconds: [String: Double]
    }

    public let store: PaperStore
    public init(store: PaperStore) { self.store = store }

    /// Fits a new model and stores it in place of the old one.
    public func fit(options: IndexerOptions = IndexerOptions(), progress: any ProgressSink = SilentProgress()) throws -> Summary {
        var clock = StageClock()
        // 1. Read and analyse every paper from one snapshot, in pid order.
        let corpus = try CorpusAnalyzer(options: options.analyzer, titleWeight: options.titleWeight)
        let (pids, total) = try store.forEachPaperText(batchSize: 4096) { batch, read, total in
            corpus.add(batch: batch)
            // After full batches only: the last, partial one is followed at once by the tf-idf line.
            if batch.count == 4096 { progress.update("analysing: \(read) of \(total) papers") }
        }
        guard total > 0 else { throw PaperSearchError.noPapers(path: store.location.path) }
        let counts = corpus.finish()
        // The analyser's per-worker term tables and buffers are not needed from here on: released
        // before the SVD, whose end is the peak of the whole fit.
        _ = consume corpus
        clock.lap("analyse")

        // 2. TF-IDF over the pruned vocabulary.
        progress.update("tf-idf: \(counts.terms.count) terms", force: true)
        let df = counts.documentFrequencies()
        let tfidf = TFIDFMatrix.build(counts, df: df, minDF: options.minDF, maxDFShare: options.maxDFShare)
        clock.lap("tfidf")

        // 3. Truncated SVD A ≈ U_k S_k V_k^T (randomized block Krylov with a subspace-iteration warm
        //    start and Rayleigh–Ritz: Musco & Musco 2015, Halko, Martinsson & Tropp 2011 Alg. 4.4).
        var svdOptions = RandomizedSVD.Options(k: options.k, seed: options.seed)
        if let p = options.oversampling { svdOptions.oversampling = p }
        if let q = options.powerIterations { svdOptions.powerIterations = q }
        let svd = try RandomizedSVD.compute(tfidf.matrix, options: svdOptions) { stage, fraction in
            progress.update(String(format: "svd: %@ (%.0f%%)", stage, fraction * 100))
        }
        clock.lap("svd")
        let r = svd.rank

        // 4. Embeddings e_i = u_i S_k / ||u_i S_k|| (= a_i V_k normalised); zero rows stay zero.
        let m = pids.count
        let (embeddings, capturedSum, nonEmpty) = Self.embeddings(u: svd.u, singularValues: svd.singularValues)

        // 5. BM25 postings for every term: (row, weighted tf), rows ascending.
        let (postingOffsets, postingEntries) = Self.postings(counts)
        clock.lap("embed+postings")

        let metadata = ModelMetadata(
            k: r, oversampling: svdOptions.oversampling, powerIterations: svdOptions.powerIterations,
            seed: options.seed, analyzer: options.analyzer, titleWeight: options.titleWeight, minDF: options.minDF,
            maxDFShare: options.maxDFShare, lsaVocabularySize: tfidf.idf.count, termCount: counts.terms.count,
            fittedCount: m, rowCount: m, foldedCount: 0, foldedCapturedSum: 0,
            fittedCapturedMean: nonEmpty > 0 ? capturedSum / Double(nonEmpty) : 0,
            totalLength: counts.lengths.reduce(0) { $0 + Double($1) }, nextSegment: 1, chunkRows: options.chunkRows,
            createdAt: PaperStore.timestamp(), toolVersion: PaperSearchVersion.string,
            fitSeconds: clock.total)
        var summary = Summary(
            papers: m, terms: counts.terms.count, lsaVocabulary: tfidf.idf.count,
            nonZeros: tfidf.matrix.nonZeroCount, k: r, oversampling: svdOptions.oversampling,
            powerIterations: svdOptions.powerIterations, singularValues: svd.singularValues,
            seconds: [:])
        let artifacts = ModelArtifacts(
            metadata: metadata, singularValues: svd.singularValues, terms: counts.terms, df: df, column: tfidf.column,
            idf: tfidf.idf, projection: svd.v, postingOffsets: postingOffsets, postingEntries: consume postingEntries,
            pids: pids, embeddings: consume embeddings, lengths: counts.lengths, norms: tfidf.norms)
        // Nothing but `artifacts` is needed now: ending these bindings frees U, the TF-IDF matrix
        // and the per-document term lists (about 250 MB on the arXiv sample) before the store
        // stage, and leaves `replaceModel` the only owner of the arrays it frees as it writes them
        // (see there), so the kernel has pages for the page cache of the WAL and the checkpoint.
        _ = consume svd
        _ = consume tfidf
        _ = consume counts
        try store.replaceModel(consume artifacts) { fraction in
            progress.update(String(format: "writing model (%.0f%%)", fraction * 100))
        }
        clock.lap("store")
        progress.finish()
        summary.seconds = clock.laps
        return summary
    }

    /// Rows per parallel chunk of `embeddings` (fixed: the sums are reduced chunk by chunk in order, so
    /// the result does not depend on the threads).
    static let embeddingChunk = 4096

    /// e_i = u_i S_k / ||u_i S_k|| for every row of U (m×r), zero rows left zero, on every core; also the
    /// sum over non-empty rows of ||u_i S_k||² (with ||a_i|| = 1, the share of the row's TF-IDF norm the
    /// latent space captures) and the number of non-empty rows.
    static func embeddings(u: DenseMatrix, singularValues: [Float]) -> (embeddings: [Float], capturedSum: Double, nonEmpty: Int) {
        let m = u.rows, r = u.cols
        let chunks = (m + embeddingChunk - 1) / embeddingChunk
        var sums = [Double](repeating: 0, count: chunks)
        var counts = [Int](repeating: 0, count: chunks)
        let embeddings = [Float](unsafeUninitializedCapacity: m * r) { out, initialized in
            initialized = m * r
            guard m * r > 0, let outBase = out.baseAddress else { return }
            u.storage.withUnsafeBufferPointer { pu in
                singularValues.withUnsafeBufferPointer { ps in
                    sums.withUnsafeMutableBufferPointer { psum in
                        counts.withUnsafeMutableBufferPointer { pcount in
                            guard let ub = pu.baseAddress, let sb = ps.baseAddress, let sumb = psum.baseAddress,
                                  let countb = pcount.baseAddress else { return }
                            let shared = EmbeddingPointers(u: ub, sigma: sb, out: outBase, sums: sumb, counts: countb)
                            ParallelChunks.forEach(chunks: chunks) { chunk in
                                var chunkSum = 0.0, chunkCount = 0
                                for i in (chunk * embeddingChunk)..<min(m, (chunk + 1) * embeddingChunk) {
                                    let row = shared.u + i * r, e = shared.out + i * r
                                    var sum: Float = 0
                                    for j in 0..<r {
                                        let x = row[j] * shared.sigma[j]
                                        e[j] = x
                                        sum += x * x
                                    }
                                    if sum > 0 {
                                        chunkSum += Double(sum)
                                        chunkCount += 1
                                        let inv = 1 / sum.squareRoot()
                                        for j in 0..<r { e[j] *= inv }
                                    }
                                }
                                shared.sums[chunk] = chunkSum
                                shared.counts[chunk] = chunkCount
                            }
                        }
                    }
                }
            }
        }
        return (embeddings, sums.reduce(0, +), counts.reduce(0, +))
    }

    /// Transposes the document-term counts into per-term postings by a counting sort.
    static func postings(_ counts: TermCounts) -> (offsets: [Int], entries: [UInt32]) {
        var offsets = [Int](repeating: 0, count: counts.terms.count + 1)
        for id in counts.termIDs { offsets[Int(id) + 1] += 1 }
        for t in 0..<counts.terms.count { offsets[t + 1] += offsets[t] }
        var cursor = offsets
        var entries = [UInt32](repeating: 0, count: 2 * counts.termIDs.count)
        for d in 0..<counts.documentCount {
            for i in counts.offsets[d]..<counts.offsets[d + 1] {
                let t = Int(counts.termIDs[i])
                entries[2 * cursor[t]] = UInt32(d)
                entries[2 * cursor[t] + 1] = counts.weights[i].bitPattern
                cursor[t] += 1
            }
        }
        return (offsets, entries)
    }
}

/// Raw buffers shared by the chunks of `Indexer.embeddings`; each chunk writes only its own rows and slot.
private struct EmbeddingPointers: @unchecked Sendable {
    let u: UnsafePointer<Float>
    let sigma: UnsafePointer<Float>
    let out: UnsafeMutablePointer<Float>
    let sums: UnsafeMutablePointer<Double>
    let counts: UnsafeMutablePointer<Int>
}

/// Wall-clock laps of named stages.
struct StageClock {
    private var last = DispatchTime.now().uptimeNanoseconds
    private let start = DispatchTime.now().uptimeNanoseconds
    private(set) var laps: [String: Double] = [:]

    mutating func lap(_ name: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        laps[name] = Double(now - last) / 1e9
        last = now
    }

    var total: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}
