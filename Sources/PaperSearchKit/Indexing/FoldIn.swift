import Foundation
import GRDB

/// `papersearch add`: imports files and folds their new or updated papers into the current
/// model without a refit, in one transaction.
///
/// Folding in (Deerwester et al. 1990; Berry, Dumais & O'Brien 1995): a new paper's
/// L2-normalised TF-IDF row a (over the fitted vocabulary, with the fitted idf) is projected
/// as e = a V_k, then normalised. ||a V_k||^2 is the share of its norm the latent space
/// captures, accumulated for the staleness rule (`IndexStaleness`). BM25 postings of the new
/// rows go into a new segment; rows of papers that were re-imported with a newer version are
/// marked dead.
public struct FoldIn: Sendable {
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
        files: [String], options: PaperImporter.Options = .init(), progress: ProgressReporter = .silent
    ) throws -> Summary {
        let start = DispatchTime.now().uptimeNanoseconds
        let path = store.location.path
        return try store.write { db in
            guard var meta = try ModelReader.metadata(db, path: path) else {
                throw PaperSearchError.noIndex(path: path)
            }
            // 1. Import every file in this transaction, collecting changed paper ids.
            let imports = try PaperImporter.importFiles(
                files, options: options, collectChangedIDs: true, in: db
            ) { file, n in progress.update("importing \(file): \(n) records") }
            var changed = imports.flatMap { $0.changedIDs ?? [] }
            var seen = Set<String>()
            changed = changed.filter { seen.insert($0).inserted }
            // 2. Load the changed papers, and the rows of those already in the model.
            var pids: [Int64] = []
            var batch: [(title: String, abstract: String)] = []
            try db.forEachInBatch(changed) { marks, arguments in
                for row in try Row.fetchAll(
                    db, sql: "SELECT pid, title, abstract FROM papers WHERE id IN (\(marks)) ORDER BY pid",
                    arguments: arguments)
                {
                    pids.append(row[0])
                    batch.append((row[1], row[2]))
                }
            }
            let existing = try Self.rowsByPid(db)
            let deadRows = pids.compactMap { existing[$0] }
            // 3. Analyse exactly as the fit did.
            let corpus = try CorpusAnalyzer(options: meta.analyzer, titleWeight: meta.titleWeight)
            corpus.add(batch: batch)
            let counts = corpus.finish()
            let vocabulary = try Self.vocabulary(db, counts.terms, k: meta.k)
            // 4. New terms get ids after the last one (BM25 only; the LSA vocabulary is fixed).
            var nextTermID = (try Int.fetchOne(db, sql: "SELECT MAX(term_id) FROM vocabulary") ?? -1) + 1
            let df = counts.documentFrequencies()
            var termIDs = [Int](repeating: 0, count: counts.terms.count)
            var newTerms = 0
            let addTerm = try db.makeStatement(sql: "INSERT INTO vocabulary (term_id, term, df) VALUES (?, ?, ?)")
            let bumpDF = try db.makeStatement(sql: "UPDATE vocabulary SET df = df + ? WHERE term_id = ?")
            for (t, term) in counts.terms.enumerated() {
                if let known = vocabulary[term] {
                    termIDs[t] = known.id
                    try bumpDF.execute(arguments: [Int(df[t]), known.id])
                } else {
                    termIDs[t] = nextTermID
                    try addTerm.execute(arguments: [nextTermID, term, Int(df[t])])
                    nextTermID += 1
                    newTerms += 1
                }
            }
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
            let segment = meta.nextSegment
            let postings = try PostingsWriter(db)
            try entries.withUnsafeBufferPointer { entries in
                for t in 0..<counts.terms.count where offsets[t + 1] > offsets[t] {
                    try postings.insert(
                        termID: termIDs[t], segment: segment,
                        entries: UnsafeBufferPointer(rebasing: entries[(2 * offsets[t])..<(2 * offsets[t + 1])]),
                        rowOffset: UInt32(firstRow))
                }
            }
            try PaperStore.appendChunks(
                db, firstRow: firstRow, chunkRows: meta.chunkRows, k: k, folded: true, pids: pids,
                embeddings: embeddings, lengths: counts.lengths, norms: norms)
            // 7. Superseded rows and the metadata.
            let deadLength = try Self.lengths(db, rows: deadRows)
            for row in deadRows {
                try db.execute(sql: "INSERT OR IGNORE INTO dead_rows (row) VALUES (?)", arguments: [row])
            }
            meta.rowCount += pids.count
            meta.foldedCount += pids.count
            meta.foldedCapturedSum += capturedSum
            meta.totalLength += counts.lengths.reduce(0) { $0 + Double($1) } - deadLength
            meta.nextSegment += 1
            try db.execute(
                sql: "UPDATE lsa_model SET metadata = ? WHERE id = 1",
                arguments: [try ModelMetadataCoding.encode(meta)])
            progress.finish()
            return Summary(
                imports: imports, folded: pids.count, newTerms: newTerms,
                meanCapturedShare: pids.isEmpty ? nil : capturedSum / Double(pids.count),
                fittedCapturedMean: meta.fittedCapturedMean, stale: IndexStaleness.isStale(meta),
                seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
    }

    /// Row of each pid in the model (the latest row when a pid appears twice).
    static func rowsByPid(_ db: Database) throws -> [Int64: Int] {
        var result: [Int64: Int] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT first_row, pids FROM doc_chunks ORDER BY chunk")
        while let row = try rows.next() {
            let first: Int = row[0]
            var pids: [Int64] = []
            ModelReader.append(row.dataNoCopy(atIndex: 1), to: &pids)
            for (i, pid) in pids.enumerated() { result[pid] = first + i }
        }
        return result
    }

    /// Vocabulary rows for many terms (IN lists of at most 500).
    static func vocabulary(_ db: Database, _ terms: [String], k: Int) throws -> [String: ModelReader.Term] {
        var result: [String: ModelReader.Term] = [:]
        for start in stride(from: 0, to: terms.count, by: 500) {
            let part = Array(terms[start..<min(terms.count, start + 500)])
            result.merge(try ModelReader.terms(db, part, k: k)) { a, _ in a }
        }
        return result
    }

    /// Sum of the BM25 lengths of `rows`.
    static func lengths(_ db: Database, rows: [Int]) throws -> Double {
        guard !rows.isEmpty else { return 0 }
        let wanted = Set(rows)
        var total = 0.0
        let chunks = try Row.fetchCursor(db, sql: "SELECT first_row, lengths FROM doc_chunks ORDER BY chunk")
        while let row = try chunks.next() {
            let first: Int = row[0]
            var lengths: [Float] = []
            ModelReader.append(row.dataNoCopy(atIndex: 1), to: &lengths)
            for (i, length) in lengths.enumerated() where wanted.contains(first + i) { total += Double(length) }
        }
        return total
    }
}
