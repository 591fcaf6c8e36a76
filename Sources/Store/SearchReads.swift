import Foundation
import GRDB
import Core

/// The read path's SQL: every query the query engine and `LatentTopics` run, behind
/// intent-named methods, so that the Search target holds no SQL and does not import GRDB.
extension PaperStore {
    /// What a query snapshot loads once: the metadata, every document row, and on an int8 index
    /// the row scales (the codes themselves are streamed by each scan, `approximateCosines`).
    package struct QueryModel {
        package var metadata: ModelMetadata
        package var documents: ModelReader.Documents
        package var codes: QuantizedEmbeddings?
        package var rowReader: EmbeddingRowReader
        /// Which committed model state these were read from (see `ModelVersion`).
        package var version: ModelVersion
    }

    /// One committed state of the model: its metadata exactly as stored, which every `index`
    /// (new `createdAt`) and every `add` (new row count, segment, lengths) rewrites in the same
    /// transaction as the rows. A query's later reads (postings, int8 codes, float32 rows) check
    /// it in their own read transaction, so a snapshot never mixes two models.
    package struct ModelVersion: Sendable, Equatable {
        let metadata: String
    }

    /// Runs `body` in one read transaction that still sees the model state `version`, else throws
    /// `PaperSearchError.modelChanged` (a concurrent `index` or `add` committed since the snapshot).
    func read<T>(model version: ModelVersion, _ body: (Database) throws -> T) throws -> T {
        let path = location.path
        return try read { db in
            guard try ModelReader.metadataText(db) == version.metadata else {
                throw PaperSearchError.modelChanged(path: path)
            }
            return try body(db)
        }
    }

    /// Loads the query model in one read transaction; `PaperSearchError.noIndex` without a model.
    package func queryModel() throws -> QueryModel {
        let path = location.path
        return try read { db in
            guard let json = try ModelReader.metadataText(db) else {
                throw PaperSearchError.noIndex(path: path)
            }
            let meta = try ModelMetadataCoding.decode(json, path: path)
            let version = ModelVersion(metadata: json)
            let rowReader = try EmbeddingRowReader.load(db, k: meta.k)
            if let (docs, codes) = try QuantizedEmbeddings.load(db, k: meta.k, rowCount: meta.rowCount) {
                return QueryModel(metadata: meta, documents: docs, codes: codes, rowReader: rowReader, version: version)
            }
            let docs = try ModelReader.documents(db, k: meta.k, rowCount: meta.rowCount)
            return QueryModel(metadata: meta, documents: docs, codes: nil, rowReader: rowReader, version: version)
        }
    }

    /// The model metadata; `PaperSearchError.noIndex` without a model.
    package func fittedModelMetadata() throws -> ModelMetadata {
        guard let meta = try modelMetadata() else { throw PaperSearchError.noIndex(path: location.path) }
        return meta
    }

    /// Vocabulary rows of `terms` and, when `withPostings`, the postings of each known one, in
    /// one read transaction (a query's terms).
    package func vocabularyAndPostings(
        _ terms: [String], k: Int, withPostings: Bool, model version: ModelVersion
    ) throws -> (vocabulary: [String: ModelReader.Term], postings: [String: [(row: Int, tf: Float)]]) {
        try read(model: version) { db in
            let vocabulary = try ModelReader.terms(db, terms, k: k)
            var postings: [String: [(row: Int, tf: Float)]] = [:]
            if withPostings {
                for (term, entry) in vocabulary { postings[term] = try ModelReader.postings(db, termID: entry.id) }
            }
            return (vocabulary, postings)
        }
    }

    /// Vocabulary rows of any number of terms, from the model state `version` (an explanation's terms).
    package func vocabulary(of terms: [String], k: Int, model version: ModelVersion) throws -> [String: ModelReader.Term] {
        try read(model: version) { db in try ModelReader.vocabulary(db, terms, k: k) }
    }

    /// The pids of the papers passing `filter` (every value bound, never spliced).
    package func pids(passing filter: SearchFilter) throws -> Set<Int64> {
        let (sql, arguments) = Self.sql(filter)
        return try read { db in try Int64.fetchSet(db, sql: sql, arguments: StatementArguments(arguments)) }
    }

    /// SQL selecting the pids that pass `filter`, with its arguments.
    static func sql(_ filter: SearchFilter) -> (String, [String]) {
        var clauses: [String] = []
        var arguments: [String] = []
        if let category = filter.category {
            clauses.append("(' ' || categories || ' ') LIKE ? ESCAPE '\\'")
            arguments.append("% " + category.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + " %")
        }
        if let since = filter.since {
            clauses.append("published >= ?")
            arguments.append(since)
        }
        if let until = filter.until {
            // Inclusive day: anything on that date sorts below the next character after it.
            clauses.append("published < ?")
            arguments.append(until + "~")
        }
        if let tag = filter.tag {
            clauses.append("id IN (SELECT paper_id FROM tags WHERE tag = ?)")
            arguments.append(tag)
        }
        let condition = clauses.isEmpty ? "1" : clauses.joined(separator: " AND ")
        return ("SELECT pid FROM papers WHERE \(condition)", arguments)
    }

    /// The pid of the stored paper `id` (a canonical id), or nil.
    package func pid(ofPaper id: String) throws -> Int64? {
        try read { db in try Int64.fetchOne(db, sql: "SELECT pid FROM papers WHERE id = ?", arguments: [id]) }
    }

    /// Title and abstract of the paper `pid`, or nil.
    package func titleAndAbstract(pid: Int64) throws -> (title: String, abstract: String)? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT title, abstract FROM papers WHERE pid = ?", arguments: [pid])
            else { return nil }
            return (row["title"] ?? "", row["abstract"] ?? "")
        }
    }

    /// A ranked paper's stored fields: its record and its non-category tags (sorted).
    package struct HitRecord {
        package var id: String
        package var title: String
        package var published: String?
        package var categories: String
        package var abstract: String
        package var tags: [String]
    }

    /// The records of `pids` in one read transaction, nil for a pid no longer stored.
    package func hitRecords(_ pids: [Int64]) throws -> [HitRecord?] {
        try read { db in
            try pids.map { pid -> HitRecord? in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM papers WHERE pid = ?", arguments: [pid])
                else { return nil }
                let id: String = row["id"]
                let tags = try String.fetchAll(
                    db, sql: "SELECT DISTINCT tag FROM tags WHERE paper_id = ? AND origin != 'arxiv-category' ORDER BY tag",
                    arguments: [id])
                return HitRecord(
                    id: id, title: row["title"], published: row["published"], categories: row["categories"] ?? "",
                    abstract: row["abstract"], tags: tags)
            }
        }
    }

    /// Approximate dot products s_i (c_i . x) of every row with `x` into `out`, streaming the
    /// int8 code blocks (each read in place from its memory-mapped page), and the error factor
    /// (`QuantizedEmbeddings.dots`).
    package func approximateCosines(
        _ codes: QuantizedEmbeddings, _ x: [Float], into out: inout [Float], model version: ModelVersion
    ) throws -> Float {
        try read(model: version) { db in try codes.dots(db, x, into: &out) }
    }

    /// The float32 embeddings of `rows`, one incremental BLOB read each.
    package func embeddingRows(_ rows: [Int], reader: EmbeddingRowReader, model version: ModelVersion) throws -> [[Float]] {
        try read(model: version) { db in try reader.rows(db, rows) }
    }

    /// Calls `body` with each LSA term and its row of V_k (k values), then returns the singular
    /// values, in one read transaction (one pass over V_k for `LatentTopics`).
    package func forEachProjection(k: Int, _ body: (String, UnsafeBufferPointer<Float>) -> Void) throws -> [Float] {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT term, projection FROM vocabulary WHERE projection IS NOT NULL")
            while let row = try rows.next() {
                guard let data = row.dataNoCopy(atIndex: 1), data.count == k * MemoryLayout<Float>.stride else { continue }
                let term: String = row[0]
                data.withUnsafeBytes { raw in body(term, raw.bindMemory(to: Float.self)) }
            }
            return try ModelReader.singularValues(db)
        }
    }
}
