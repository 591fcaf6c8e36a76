import Foundation
import GRDB
import Core

/// What `papersearch info` reports: counts, index state and where the file is.
public struct StoreInfo: Codable, Sendable, Equatable {
    public struct TagCount: Codable, Sendable, Equatable {
        public var origin: String
        public var tags: Int
        public var distinct: Int
    }
    public var database: String
    public var schemaVersion: Int
    public var schemaMigrations: [String]
    public var fileBytes: Int64
    public var papers: Int
    public var papersBySource: [String: Int]
    public var tagsByOrigin: [TagCount]
    public var index: IndexState

    /// Index state; filled by the indexer's tables once they exist.
    public struct IndexState: Codable, Sendable, Equatable {
        public var state: String  // "none", "current", "stale"
        public var model: [String: String]
        public var papersInModel: Int
        public var papersFoldedIn: Int
        public var papersNotIndexed: Int
        public var foldedNormShare: Double?
    }

    /// Reads everything `info` shows from `store`.
    public static func gather(_ store: PaperStore) throws -> StoreInfo {
        let path = store.location.path
        var info = try store.read { db -> StoreInfo in
            let papers = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM papers") ?? 0
            var bySource: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT source, COUNT(*) AS n FROM papers GROUP BY source") {
                bySource[row["source"]] = row["n"]
            }
            var tags: [TagCount] = []
            for row in try Row.fetchAll(db, sql: """
                SELECT origin, COUNT(*) AS n, COUNT(DISTINCT tag) AS d FROM tags GROUP BY origin ORDER BY origin
                """)
            {
                tags.append(TagCount(origin: row["origin"], tags: row["n"], distinct: row["d"]))
            }
            let applied = try Schema.migrator.appliedMigrations(db)
            let index = try IndexStateReader.read(db, papers: papers, path: path)
            return StoreInfo(
                database: path, schemaVersion: applied.count, schemaMigrations: applied, fileBytes: 0,
                papers: papers, papersBySource: bySource, tagsByOrigin: tags, index: index)
        }
        let fm = FileManager.default
        for suffix in ["", "-wal", "-shm"] {
            if let size = (try? fm.attributesOfItem(atPath: path + suffix))?[.size] as? NSNumber {
                info.fileBytes += size.int64Value
            }
        }
        return info
    }

    /// JSON with sorted keys (stable for scripts).
    public func json() throws -> String { try JSONOutput.encode(self) }

}
