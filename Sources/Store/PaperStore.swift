import Foundation
import GRDB
import Core

/// The one SQLite file that holds papers, tags and (later) index artefacts.
///
/// WAL journal (through `DatabasePool`), foreign keys on, a busy timeout so a second writer
/// waits instead of failing at once (GRDB's write transactions are `BEGIN IMMEDIATE`, so they
/// wait on it too). `.readWrite` creates the file and applies pending migrations under an
/// exclusive flock (`StoreFile`), so concurrent first writers serialise; `.readOnly` opens every
/// connection read-only and never migrates. Both refuse a file written by a newer schema.
public final class PaperStore: Sendable {
    public let location: StoreLocation
    let writer: any DatabaseWriter
    /// Names of the migrations this open applied (empty unless the file was new or older).
    public let migrationsApplied: [String]

    public enum Mode: Sendable { case readWrite, readOnly }

    /// Seconds a command waits for another one's lock (SQLite's busy timeout and the flock).
    public static let busyTimeout: Double = 10

    private init(location: StoreLocation, writer: any DatabaseWriter, migrationsApplied: [String]) {
        self.location = location
        self.writer = writer
        self.migrationsApplied = migrationsApplied
    }

    /// The connections' configuration. Every connection keeps `file` (its descriptor) alive, so
    /// it is closed only after the last connection (see `StoreFile`). The pool is never closed
    /// with `close()`, which closes the writer first: the last connection to close would then be
    /// a read-only reader, which cannot checkpoint and remove the WAL; its deinit closes the
    /// readers first.
    private static func configuration(keeping file: StoreFile, readonly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = readonly
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "papersearch"
        configuration.prepareDatabase { db in
            withExtendedLifetime(file) {}
            // 64 KiB pages (only takes effect when the file is created): the model is mostly
            // large BLOBs, which then span 16x fewer overflow pages. Memory-mapped reads let a
            // query load every embedding without a read() call per page.
            try db.execute(sql: "PRAGMA page_size = 65536")
            try db.execute(sql: "PRAGMA mmap_size = \(PaperStore.mmapBytes)")
        }
        return configuration
    }

    /// Opens (creating when `mode == .readWrite`) the database at `location`.
    /// `.readOnly` requires the file to exist (`.noIndex` otherwise) and its schema to be
    /// current (`.outdatedSchema` names the `upgrade` command otherwise).
    public static func open(_ location: StoreLocation, mode: Mode = .readWrite) throws -> PaperStore {
        let path = location.path
        switch mode {
        case .readWrite:
            try location.prepareForWriting()
            let file = try StoreFile.lockedForWriting(path, timeout: busyTimeout)
            defer { file.unlock() }
            let pool: DatabasePool
            do {
                pool = try DatabasePool(path: path, configuration: configuration(keeping: file, readonly: false))
            } catch let error as DatabaseError {
                file.removeIfCreatedAndEmpty()
                throw PaperSearchError.database(path: path, reason: Self.reason(error))
            }
            let applied = try migrate(pool, path: path)
            return PaperStore(location: location, writer: pool, migrationsApplied: applied)
        case .readOnly:
            guard location.exists else { throw PaperSearchError.noIndex(path: path) }
            let file = try StoreFile.lockedForReading(path, timeout: busyTimeout)
            defer { file.unlock() }
            let pool: DatabasePool
            do {
                pool = try DatabasePool(
                    path: location.readOnlyOpenPath, configuration: configuration(keeping: file, readonly: true))
            } catch let error as DatabaseError {
                throw PaperSearchError.database(path: path, reason: Self.reason(error))
            }
            let state = try schemaState(pool, path: path)
            // An empty file (or one another process has only just created).
            if state.applied.isEmpty && !state.hasPapers { throw PaperSearchError.noIndex(path: path) }
            if state.applied.count < Schema.version {
                throw PaperSearchError.outdatedSchema(path: path, found: state.applied.count, needed: Schema.version)
            }
            return PaperStore(location: location, writer: pool, migrationsApplied: [])
        }
    }

    /// What `upgrade` did to one file.
    public struct SchemaUpgrade: Codable, Sendable, Equatable {
        public var path: String
        public var fromVersion: Int
        public var toVersion: Int
        /// Names of the migrations applied, in order (empty when the file was current).
        public var applied: [String]
    }

    /// Applies the pending migrations of the existing database at `location` (`.noIndex` when
    /// there is no file): what `papersearch upgrade` does.
    public static func upgrade(_ location: StoreLocation) throws -> SchemaUpgrade {
        guard location.exists else { throw PaperSearchError.noIndex(path: location.path) }
        let store = try open(location, mode: .readWrite)
        return SchemaUpgrade(
            path: location.path, fromVersion: Schema.version - store.migrationsApplied.count,
            toVersion: Schema.version, applied: store.migrationsApplied)
    }

    /// The migrations `writer`'s file records, and whether it has a `papers` table; throws
    /// `.newerSchema` for migrations this build does not know.
    private static func schemaState(_ writer: any DatabaseWriter, path: String) throws -> (applied: Set<String>, hasPapers: Bool) {
        let migrator = Schema.migrator
        let state: (applied: Set<String>, hasPapers: Bool)
        do {
            state = try writer.read { db in
                // Reading grdb_migrations also proves this is an SQLite database.
                (try migrator.appliedIdentifiers(db), try db.tableExists("papers"))
            }
        } catch let error as DatabaseError {
            throw PaperSearchError.database(path: path, reason: Self.reason(error))
        }
        let unknown = state.applied.subtracting(Schema.migrations.map(\.name))
        if !unknown.isEmpty {
            throw PaperSearchError.newerSchema(
                path: path, found: "\(state.applied.count) migrations incl. '\(unknown.sorted().joined(separator: "', '"))'",
                supported: "\(Schema.version) (\(Schema.migrations.last?.name ?? "none"))")
        }
        return state
    }

    /// Applies pending migrations (the caller holds the exclusive `StoreFile` lock); returns
    /// their names. Refuses a database that records unknown (newer) migrations.
    private static func migrate(_ writer: any DatabaseWriter, path: String) throws -> [String] {
        let applied = try schemaState(writer, path: path).applied
        let pending = Schema.migrations.map(\.name).filter { !applied.contains($0) }
        guard !pending.isEmpty else { return [] }
        do {
            try Schema.migrator.migrate(writer)
        } catch let error as DatabaseError {
            throw PaperSearchError.database(path: path, reason: Self.reason(error))
        }
        return pending
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
        } catch {
            throw located(error)
        }
    }

    /// `error` naming this store's file: an SQLite error as `.database` with its one-line reason,
    /// a `.damagedStore` error of the readers with the path filled in; anything else unchanged.
    func located(_ error: any Error) -> any Error {
        switch error {
        case let error as DatabaseError:
            return PaperSearchError.database(path: location.path, reason: Self.reason(error))
        case PaperSearchError.database(path: "", let reason):
            return PaperSearchError.database(path: location.path, reason: reason)
        default:
            return error
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
        } catch {
            throw located(error)
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
