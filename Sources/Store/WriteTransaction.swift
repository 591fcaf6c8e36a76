import GRDB
import Core

/// One write transaction of the write path, with intent-named operations instead of SQL, so
/// that import and `add` (import, then fold-in) run in ONE transaction without their callers
/// seeing GRDB. Valid only inside the `PaperStore.writeTransaction` body that handed it out.
package final class WriteTransaction {
    /// Internal for the `WriteTransaction` extensions in Store/ only; nothing outside Store/ touches it.
    let db: Database
    let path: String

    fileprivate init(db: Database, path: String) {
        self.db = db
        self.path = path
    }

    /// How `writeTransaction` sets up the connection.
    package enum Mode {
        /// SQLite's default settings (`add`).
        case plain
        /// `PaperStore.withBulkWrite(constantChecks: true)`: a large page cache and CHECKs skipped;
        /// only for writes that satisfy the CHECKs by construction (the importer's literal origins).
        case bulkConstantChecks
    }

    /// An upserter whose prepared statements store papers in this transaction; `now` is the
    /// import timestamp (ISO 8601).
    package func paperUpserter(now: String) throws -> PaperUpserter {
        try PaperUpserter(db: db, now: now)
    }

    /// The model's metadata, or nil when no model was fitted yet.
    package func modelMetadata() throws -> ModelMetadata? {
        try ModelReader.metadata(db, path: path)
    }
}

extension PaperStore {
    /// Runs `body` in one write transaction (see `WriteTransaction`); SQLite errors become
    /// `PaperSearchError`, and a throw from `body` rolls everything back.
    package func writeTransaction<T>(_ mode: WriteTransaction.Mode = .plain, _ body: (WriteTransaction) throws -> T) throws -> T {
        let path = location.path
        return try write { db in
            let transaction = WriteTransaction(db: db, path: path)
            switch mode {
            case .plain: return try body(transaction)
            case .bulkConstantChecks: return try Self.withBulkWrite(db, constantChecks: true) { try body(transaction) }
            }
        }
    }
}
