import Foundation
import GRDB

/// The one SQLite file that holds papers, tags and (later) index artefacts.
///
/// WAL journal (through `DatabasePool`), foreign keys on, a busy timeout so a second writer
/// waits instead of failing at once. Opening applies pending migrations and refuses a file
/// written by a newer schema.
public final class PaperStore: Sendable {
    public let location: StoreLocation
    let writer: any DatabaseWriter

    public enum Mode: Sendable { case readWrite, readOnly }

    private init(location: StoreLocation, writer: any DatabaseWriter) {
        self.location = location
        self.writer = writer
    }

    /// Opens (creating when `mode == .readWrite`) the database at `location`.
    /// `.readOnly` requires the file to exist; it throws `.noIndex` otherwise.
    public static func open(_ location: StoreLocation, mode: Mode = .readWrite) throws -> PaperStore {
        let path = location.path
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.label = "papersearch"
        configuration.prepareDatabase { db in
            // 64 KiB pages (only takes effect when the file is created): the model is mostly
            // large BLOBs, which then span 16x fewer overflow pages. Memory-mapped reads let a
            // query load every embedding without a read() call per page.
            try db.execute(sql: "PRAGMA page_size = 65536")
            try db.execute(sql: "PRAGMA mmap_size = \(PaperStore.mmapBytes)")
        }
        let writable: Bool
        switch mode {
        case .readWrite:
            try location.prepareForWriting()
            writable = true
        case .readOnly:
            guard location.exists else { throw PaperSearchError.noIndex(path: path) }
            writable = FileManager.default.isWritableFile(atPath: path)
                && FileManager.default.isWritableFile(atPath: (path as NSString).deletingLastPathComponent.isEmpty
                    ? "." : (path as NSString).deletingLastPathComponent)
        }
        let writer: any DatabaseWriter
        do {
            if writable {
                writer = try DatabasePool(path: path, configuration: configuration)
            } else {
                configuration.readonly = true
                writer = try DatabaseQueue(path: path, configuration: configuration)
            }
        } catch let error as DatabaseError {
            throw PaperSearchError.database(path: path, reason: Self.reason(error))
        }
        let store = PaperStore(location: location, writer: writer)
        try store.migrate(writable: writable)
        return store
    }

    /// Applies pending migrations; refuses a database that records unknown (newer) migrations.
    private func migrate(writable: Bool) throws {
        let migrator = Schema.migrator
        let path = location.path
        do {
            let applied = try writer.read { db -> Set<String> in
                // Reading grdb_migrations also proves this is an SQLite database.
                _ = try db.tableExists("papers")
                return try migrator.appliedIdentifiers(db)
            }
            let known = Set(Schema.migrations.map(\.name))
            let unknown = applied.subtracting(known)
            if !unknown.isEmpty {
                throw PaperSearchError.newerSchema(
                    path: path, found: "\(applied.count) migrations incl. '\(unknown.sorted().joined(separator: "', '"))'",
                    supported: "\(Schema.version) (\(Schema.migrations.last?.name ?? "none"))")
            }
            if applied.count < known.count {
                guard writable else {
                    throw PaperSearchError.database(path: path, reason: "schema needs an upgrade but the file is read-only")
                }
                try migrator.migrate(writer)
            }
        } catch let error as DatabaseError {
            throw PaperSearchError.database(path: path, reason: Self.reason(error))
        }
    }

    /// A short, one-line reason for an SQLite error.
    static func reason(_ error: DatabaseError) -> String {
        let message = error.message ?? "\(error.resultCode)"
        return message.replacingOccurrences(of: "\n", with: " ")
    }

    /// Bytes of the file each connection may memory-map (`PRAGMA mmap_size`).
    static let mmapBytes = 4_294_967_296

    /// Runs `body` on a connection that reads through read() calls instead of the memory map: for a
    /// single pass over most of the file (the index reading every paper), where mapped pages would
    /// only count ~180 MB (arXiv sample) towards the process's resident size for the rest of its life.
    static func withoutMemoryMap<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.execute(sql: "PRAGMA mmap_size = 0")
        defer { try? db.execute(sql: "PRAGMA mmap_size = \(mmapBytes)") }
        return try body()
    }

    /// Runs `body` in one write transaction; maps SQLite errors to `PaperSearchError`.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.write(body)
        } catch let error as DatabaseError {
            throw PaperSearchError.database(path: location.path, reason: Self.reason(error))
        }
    }

    /// Page cache for bulk writes, in KiB (`PRAGMA cache_size = -N`). SQLite's default of 2 MiB
    /// holds only 31 of our 64 KiB pages; 64 MiB keeps every B-tree's hot path in memory.
    static let bulkCacheKiB = 64 * 1024

    /// Runs `body` with the connection set up for a bulk write, then restores the settings:
    /// the page cache raised to `bulkCacheKiB`, and with `constantChecks`, CHECK constraints
    /// not evaluated (`PRAGMA ignore_check_constraints`). Only pass `constantChecks` when every
    /// statement `body` runs satisfies the CHECKs by construction (the `tags.origin IN (...)`
    /// check holds for the literal origins the importer writes): SQLite codes that IN list as
    /// a temporary B-tree built on every execution, a 64 KiB page each time, which cost a
    /// third of the import's SQLite time.
    static func withBulkWrite<T>(_ db: Database, constantChecks: Bool = false, _ body: () throws -> T) throws -> T {
        let previous = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
        try db.execute(sql: "PRAGMA cache_size = \(-bulkCacheKiB)")
        if constantChecks { try db.execute(sql: "PRAGMA ignore_check_constraints = ON") }
        defer {
            try? db.execute(sql: "PRAGMA cache_size = \(previous)")
            if constantChecks { try? db.execute(sql: "PRAGMA ignore_check_constraints = OFF") }
        }
        return try body()
    }

    /// Runs `body` on a consistent snapshot of the database.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read(body)
        } catch let error as DatabaseError {
            throw PaperSearchError.database(path: location.path, reason: Self.reason(error))
        }
    }

    // MARK: - Papers

    /// What `upsert` did with one paper.
    public enum UpsertOutcome: Sendable { case inserted, updated, unchanged }

    /// Inserts `paper`, or updates the stored one when `paper.version` is newer; never
    /// duplicates. Human tags are added either way; arXiv category tags follow the stored
    /// categories. `now` is the import timestamp (ISO 8601).
    @discardableResult
    public static func upsert(_ paper: Paper, now: String, in db: Database) throws -> UpsertOutcome {
        try PaperUpserter(db: db, now: now).store(paper)
    }

    /// Adds one human tag (kept if already there); returns whether a row was added.
    @discardableResult
    static func addHumanTag(paperID: String, tag: String, now: String, in db: Database) throws -> Bool {
        let statement = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO tags (paper_id, tag, origin, confidence, model, created_at)
            VALUES (?, ?, 'human', 1.0, NULL, ?)
            """)
        try statement.execute(arguments: [paperID, tag, now])
        return db.changesCount > 0
    }

    /// Number of stored papers.
    public func paperCount() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM papers") ?? 0 }
    }

    /// One stored paper by id, with its tags of every origin.
    public func paper(id: String) throws -> Paper? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM papers WHERE id = ?", arguments: [id]) else {
                return nil
            }
            let tags = try String.fetchAll(
                db, sql: "SELECT tag FROM tags WHERE paper_id = ? AND origin = 'human' ORDER BY tag", arguments: [id])
            return Self.paper(from: row, tags: tags)
        }
    }

    static func paper(from row: Row, tags: [String]) -> Paper {
        let categories: String = row["categories"] ?? ""
        let sourceName: String = row["source"] ?? ""
        return Paper(
            id: row["id"], version: row["version"], title: row["title"], abstract: row["abstract"],
            authors: row["authors"],
            categories: categories.split(separator: " ").map(String.init),
            primaryCategory: row["primary_category"], published: row["published"], updated: row["updated"],
            source: PaperSource(rawValue: sourceName) ?? .arxivJSONL, tags: tags)
    }

    /// ISO 8601 timestamp (UTC, seconds) for `imported_at` / `created_at` columns.
    public static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

extension PaperStore {
    /// The stable integer handles (`pid`) of those of `ids` that are stored, keyed by id.
    public func pids(of ids: [String]) throws -> [String: Int64] {
        try read { db in
            var found: [String: Int64] = [:]
            try db.forEachInBatch(ids) { marks, arguments in
                for row in try Row.fetchAll(db, sql: "SELECT id, pid FROM papers WHERE id IN (\(marks))", arguments: arguments) {
                    found[row["id"]] = row["pid"]
                }
            }
            return found
        }
    }
}
