import GRDB
import Core

/// The reads of batch tagging (`BatchTagger`, `TextEmbedder`) and of eval, each on one snapshot.
extension PaperStore {
    /// The model's metadata, or nil when no model was fitted yet.
    package func modelMetadata() throws -> ModelMetadata? {
        let path = location.path
        return try read { db in try ModelReader.metadata(db, path: path) }
    }

    /// The metadata and every document row of the model, from one snapshot (one model even
    /// while a re-index commits); nil when no model was fitted yet.
    package func modelDocuments() throws -> (metadata: ModelMetadata, documents: ModelReader.Documents)? {
        let path = location.path
        return try read { db in
            guard let meta = try ModelReader.metadata(db, path: path) else { return nil }
            return (meta, try ModelReader.documents(db, k: meta.k, rowCount: meta.rowCount))
        }
    }

    /// Vocabulary rows of any number of `terms` (unknown terms are absent).
    package func vocabulary(of terms: [String], k: Int) throws -> [String: ModelReader.Term] {
        try read { db in try ModelReader.vocabulary(db, terms, k: k) }
    }

    /// Pid and publication date of those of `ids` that are stored, keyed by id.
    package func pidsAndDates(of ids: [String]) throws -> [String: (pid: Int64, published: String?)] {
        try read { db in
            var result: [String: (pid: Int64, published: String?)] = [:]
            try db.forEachInBatch(ids) { marks, arguments in
                for row in try Row.fetchAll(
                    db, sql: "SELECT id, pid, published FROM papers WHERE id IN (\(marks))", arguments: arguments)
                {
                    result[row[0]] = (row[1], row[2])
                }
            }
            return result
        }
    }

    /// A stored paper as the tagger reads it.
    package struct PublishedPaper {
        package var id: String
        package var title: String
        package var abstract: String
        package var pid: Int64
        package var published: String?
    }

    /// The stored papers published from `since` (a day or a finer timestamp prefix) through the
    /// day `until` (inclusive), in publication order, then id.
    package func papers(publishedSince since: String, until: String?) throws -> [PublishedPaper] {
        try read { db in
            var sql = "SELECT id, title, abstract, pid, published FROM papers WHERE published >= ?"
            var arguments: [(any DatabaseValueConvertible)?] = [since]
            if let until {
                sql += " AND substr(published, 1, 10) <= ?"
                arguments.append(until)
            }
            sql += " ORDER BY published, id"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                PublishedPaper(id: row[0], title: row[1], abstract: row[2], pid: row[3], published: row[4])
            }
        }
    }

    /// (id, title) of the papers with these pids.
    package func idsAndTitles(ofPids pids: [Int64]) throws -> [Int64: (String, String)] {
        try read { db in
            var result: [Int64: (String, String)] = [:]
            try db.forEachInBatch(pids) { marks, arguments in
                for row in try Row.fetchAll(
                    db, sql: "SELECT pid, id, title FROM papers WHERE pid IN (\(marks))", arguments: arguments)
                {
                    result[row[0]] = (row[1], row[2])
                }
            }
            return result
        }
    }
}
