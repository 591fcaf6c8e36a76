import Foundation
import GRDB
import XCTest

/// Everything a failed command must leave as it was: every table's row count and a hash of
/// its rows (papers, tags, the model and its artefacts), and SQLite's own integrity check.
struct DatabaseFingerprint: Equatable, CustomStringConvertible {
    var tables: [String: (count: Int, hash: Int)] = [:]
    var integrity: String = ""

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.integrity == rhs.integrity && lhs.tables.keys.sorted() == rhs.tables.keys.sorted()
            && lhs.tables.allSatisfy { key, value in
                rhs.tables[key].map { $0.count == value.count && $0.hash == value.hash } ?? false
            }
    }

    var description: String {
        "integrity=\(integrity) " + tables.keys.sorted().map { "\($0)=\(tables[$0]?.count ?? -1)" }.joined(separator: " ")
    }

    /// Rows of `table`, e.g. `papers`; -1 when absent.
    func count(_ table: String) -> Int { tables[table]?.count ?? -1 }

    /// Reads the database at `path` (read-only; WAL content included).
    static func of(_ path: String) throws -> DatabaseFingerprint {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            var result = DatabaseFingerprint()
            result.integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ")
            let names = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            for name in names {
                var hasher = Hasher()
                var count = 0
                let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(name.quotedDatabaseIdentifier) ORDER BY 1")
                while let row = try rows.next() {
                    count += 1
                    for value in row.databaseValues { hasher.combine(value) }
                }
                result.tables[name] = (count, hasher.finalize())
            }
            return result
        }
    }

    /// The model's `created_at` / id as `info --json` would name it: the lsa_model metadata text.
    static func modelMetadata(_ path: String) throws -> String? {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            guard try db.tableExists("lsa_model") else { return nil }
            return try String.fetchOne(db, sql: "SELECT metadata FROM lsa_model WHERE id = 1")
        }
    }
}
