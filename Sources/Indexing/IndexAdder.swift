import Foundation
import Core
import TextAnalysis
import NumericKernels
import Store

/// `papersearch add`: imports files and folds their new or updated papers into the current
/// model without a refit, in one transaction.
///
/// Folding in (Deerwester et al. 1990; Berry, Dumais & O'Brien 1995): a new paper's
/// L2-normalised TF-IDF row a (over the fitted vocabulary, with the fitted idf) is projected
/// as e = a V_k, then normalised. ||a V_k||^2 is the share of its norm the latent space
/// captures, accumulated for the staleness rule (`IndexStaleness`). BM25 postings of the new
/// rows go into a new segment; rows of papers that were re-imported with a newer version are
/// marked dead.
public struct IndexAdder: Sendable {
    public struct Summary: Codable, Sendable {
        public var imports: [PaperImporter.Summary]
        public var folded: Int
        public var newTerms: Int
        public var meanCapturedShare: Double?
        public var fittedCapturedMean: Double
        public var stale: Bool
        public var seconds: Double
    }

    public let store: PaperStore
    public init(store: PaperStore) { self.store = store }

    public func add(
        files: [String], options: PaperImporter.Options = .init(), progress: any ProgressSink = SilentProgress()
    ) throws -> Summary {
        let start = DispatchTime.now().uptimeNanoseconds
        let path = store.location.path
        return try store.writeTransaction { tx in
            guard var meta = try tx.modelMetadata() else {
                throw PaperSearchError.noIndex(path: path)
            }
            // 1. Import every file in this transaction, collecting changed paper ids.
            let imports = try PaperImporter.importFiles(
                files, options: options, collectChangedIDs: true, in: tx
            ) { file, n in progress.update("importing \(file): \(n) records") }
            var changed = imports.flatMap { $0.changedIDs ?? [] }
            var seen = Set<String>()
            changed = changed.filter { seen.insert($0).inserted }
            // 2. Load the changed papers, and the rows of those already in the model.
            let (pids, batch) = try tx.papersToFold(ids: changed)
            let existing = try tx.modelRowsByPid()
            let deadRows = pids.compactMap { existing[$0] }
            // 3. Analyse exactly as the fit did.
            let corpus = try CorpusAnalyzer(options: meta.analyzer, titleWeight: meta.titleWeight)
            corpus.add(batch: batch)
            let counts = corpus.finish()
            let vocabulary = try tx.vocabulary(of: counts.terms, k: meta.k)
            // 4. New terms get ids after the last one (BM25 only; the LSA vocabulary is fixed).
            let (termIDs, newTerms) = try tx.extendVocabulary(
                terms: counts.terms, df: counts.documentFrequencies(), known: vocabulary)
            // 5. Fold each paper in (`LatentSpace.fold`): e = a V_k / ||a V_k||, with a the normalised
            //    TF-IDF row (a = w / ||w||, the quotient form these embeddings were always written with).
            let k = meta.k
            let space = LatentSpace(k: k)
            let firstRow = meta.rowCount
            var embeddings = [Float](repeating: 0, count: pids.count * k)
            var norms = [Float](repeating: 0, count: pids.count)
            var capturedSum = 0.0
            for d in 0..<counts.documentCount {
                let row = (counts.offsets[d]..<counts.offsets[d + 1]).lazy.map { i in
                    (counts.terms[Int(counts.termIDs[i])], counts.weights[i])
                }
                let folded = space.fold(row, vocabulary: vocabulary, scaling: .quotient)
                norms[d] = folded.row.norm
                guard folded.row.norm > 0 else { continue }
                capturedSum += Double(folded.captured)
                for j in 0..<k { embeddings[d * k + j] = folded.embedding[j] }
            }
            // 6. Postings of the new rows as a new segment.
            let (offsets, entries) = Indexer.postings(counts)
            try tx.appendPostingsSegment(
                meta.nextSegment, termIDs: termIDs, offsets: offsets, entries: entries, firstRow: firstRow)
            try tx.appendFoldedRows(
                firstRow: firstRow, chunkRows: meta.chunkRows, k: k, pids: pids,
                embeddings: embeddings, lengths: counts.lengths, norms: norms)
            // 7. Superseded rows and the metadata.
            let deadLength = try tx.bm25Length(ofRows: deadRows)
            try tx.markRowsDead(deadRows)
            meta.rowCount += pids.count
            meta.foldedCount += pids.count
            meta.foldedCapturedSum += capturedSum
            meta.totalLength += counts.lengths.reduce(0) { $0 + Double($1) } - deadLength
            meta.nextSegment += 1
            try tx.updateModelMetadata(meta)
            progress.finish()
            return Summary(
                imports: imports, folded: pids.count, newTerms: newTerms,
                meanCapturedShare: pids.isEmpty ? nil : capturedSum / Double(pids.count),
                fittedCapturedMean: meta.fittedCapturedMean, stale: IndexStaleness.isStale(meta),
                seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
    }
}
