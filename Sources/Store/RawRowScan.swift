import Foundation
import GRDB
import GRDBSQLite

/// Steps a statement through the SQLite C API with no per-row allocation, for the measured
/// hot path of loading every paper's tags (`TaggedCorpus`: 318k rows of the arXiv sample in
/// about a third of the time of GRDB row cursors). With `RawStatement` (binding for the hot
/// inserts) and `EmbeddingRowReader` (incremental BLOB reads), the only files that call the SQLite C API.
enum RawRowScan {
    /// One row, valid only inside the callback.
    struct Row {
        fileprivate let statement: OpaquePointer

        func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

        func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

        /// The column's text as raw UTF-8 bytes (empty for NULL).
        func bytes(_ column: Int32) -> UnsafeRawBufferPointer {
            guard let text = sqlite3_column_text(statement, column) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
            return UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, column)))
        }

        func string(_ column: Int32) -> String { String(decoding: bytes(column), as: UTF8.self) }
    }

    /// Runs `sql` (parameterized with `arguments`) and calls `body` for each row.
    static func forEach(
        _ db: Database, sql: String, arguments: StatementArguments = [], _ body: (Row) throws -> Void
    ) throws {
        let statement = try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        let raw = statement.sqliteStatement
        defer { sqlite3_reset(raw) }
        while true {
            let code = sqlite3_step(raw)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
            }
            try body(Row(statement: raw))
        }
    }
}
