import GRDB

/// The three scans `TaggedCorpus` merges, on one snapshot, through the SQLite C API
/// (`RawRowScan`: no allocation per row; 318k tag rows on the arXiv sample). Values are raw
/// UTF-8 bytes valid only inside the callback. Valid only inside `PaperStore.scanTagEvidence`.
package struct TagEvidenceScan {
    fileprivate let db: Database

    /// A tag row: the paper's id as bytes, and the tag decoded only when asked.
    package struct TagRow {
        fileprivate let row: RawRowScan.Row
        package var paperID: UnsafeRawBufferPointer { row.bytes(0) }
        package var tag: String { row.string(1) }
    }

    /// Every paper's id and pid, in id order (BINARY, from the covering index).
    package func forEachPaperID(_ body: (_ id: UnsafeRawBufferPointer, _ pid: Int64) throws -> Void) throws {
        try RawRowScan.forEach(db, sql: "SELECT id, pid FROM papers ORDER BY id") { row in
            try body(row.bytes(0), row.int64(1))
        }
    }

    /// The pid and publication date of every paper that has one.
    package func forEachPublished(_ body: (_ pid: Int64, _ published: UnsafeRawBufferPointer) throws -> Void) throws {
        try RawRowScan.forEach(db, sql: "SELECT pid, published FROM papers WHERE published IS NOT NULL") { row in
            try body(row.int64(0), row.bytes(1))
        }
    }

    /// The tag rows of `origins`, in paper id order (BINARY, the primary key's).
    package func forEachTag(origins: [String], _ body: (TagRow) throws -> Void) throws {
        let marks = Array(repeating: "?", count: origins.count).joined(separator: ",")
        try RawRowScan.forEach(
            db, sql: "SELECT paper_id, tag FROM tags WHERE origin IN (\(marks)) ORDER BY paper_id",
            arguments: StatementArguments(origins)
        ) { row in try body(TagRow(row: row)) }
    }
}

extension PaperStore {
    /// Runs `body` with the tag evidence scans on one read snapshot.
    package func scanTagEvidence<T>(_ body: (TagEvidenceScan) throws -> T) throws -> T {
        try read { db in try body(TagEvidenceScan(db: db)) }
    }
}
