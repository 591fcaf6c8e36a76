import GRDB
import GRDBSQLite

/// A prepared statement bound and stepped through the SQLite C API, for the measured hot write
/// paths: the model's 180k vocabulary and 180k postings rows (`replaceModel`) and the importer's
/// papers and tags (`PaperUpserter`). GRDB's `StatementArguments` box every value in an
/// existential and copy every BLOB into a `Data` that SQLite then copies again; in those loops
/// that cost more than SQLite's own work (perf: about 30% of the import's writer thread).
///
/// BLOBs are bound without a copy (`SQLITE_STATIC`): `execute` and `step` run the statement to
/// completion, reset it and clear its bindings before they return, so a buffer only has to
/// outlive the call. Text is copied by SQLite (`SQLITE_TRANSIENT`): a Swift string's UTF-8 is
/// only guaranteed inside `withUTF8`. With `RawRowScan` and `EmbeddingRowReader`, the only files
/// that call the SQLite C API.
final class RawStatement {
    /// Binds the parameters (1-based, as in SQL) of one execution.
    struct Binder {
        fileprivate let statement: OpaquePointer

        func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(statement, index, value) }

        func bind(_ index: Int32, _ value: Int) { sqlite3_bind_int64(statement, index, Int64(value)) }

        func bind(_ index: Int32, _ value: Double) { sqlite3_bind_double(statement, index, value) }

        func bindNull(_ index: Int32) { sqlite3_bind_null(statement, index) }

        func bind(_ index: Int32, _ value: String?) {
            guard var text = value else { return bindNull(index) }
            text.withUTF8 { utf8 in
                if let base = utf8.baseAddress, !utf8.isEmpty {
                    sqlite3_bind_text(statement, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                                      Int32(utf8.count), Self.transient)
                } else {
                    // Empty: SQLite would read a NULL pointer as NULL, not as ''.
                    sqlite3_bind_text(statement, index, "", 0, Self.transient)
                }
            }
        }

        /// Binds `bytes` in place; they must stay valid and unchanged until the call that runs
        /// this binder returns. An empty buffer is bound as an empty BLOB, not NULL.
        func bind(_ index: Int32, blob bytes: UnsafeRawBufferPointer) {
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                sqlite3_bind_zeroblob(statement, index, 0)
                return
            }
            sqlite3_bind_blob(statement, index, base, Int32(bytes.count), nil)
        }

        /// SQLite's "copy now" destructor (`SQLITE_TRANSIENT`, -1), which the C macro defines.
        private static var transient: sqlite3_destructor_type {
            unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
        }
    }

    /// Keeps the compiled statement alive (it finalizes it).
    private let statement: Statement
    private let raw: OpaquePointer
    private let connection: OpaquePointer?
    private let sql: String

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
        raw = statement.sqliteStatement
        connection = db.sqliteConnection
        self.sql = sql
    }

    /// Binds through `bind` and runs the statement to completion (an INSERT, UPDATE, DELETE).
    func execute(_ bind: (Binder) -> Void) throws {
        _ = try run(bind, untilDone: true)
    }

    /// Binds through `bind` and steps once; returns whether that produced a row (for "does a
    /// row exist" queries).
    func step(_ bind: (Binder) -> Void) throws -> Bool {
        try run(bind, untilDone: false)
    }

    private func run(_ bind: (Binder) -> Void, untilDone: Bool) throws -> Bool {
        bind(Binder(statement: raw))
        defer {
            sqlite3_reset(raw)
            sqlite3_clear_bindings(raw)
        }
        while true {
            let code = sqlite3_step(raw)
            switch code {
            case SQLITE_DONE: return false
            case SQLITE_ROW: if !untilDone { return true }
            default:
                let message = connection.map { String(cString: sqlite3_errmsg($0)) }
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
            }
        }
    }
}
