import Foundation
import GRDB
import Core

/// Tags as data: human tags set by hand, listings, and predicted tags written by the tagger.
/// Predicted rows never replace or remove human or category rows.
extension PaperStore {
    /// The store id of a paper reference (arXiv id, abs/pdf URL, or namespaced id such as demo:0042).
    public static func paperID(_ reference: String) throws -> String {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        if let parsed = ArxivID.parse(trimmed) { return parsed.id }
        if ArxivID.isNamespaced(trimmed) { return trimmed }
        throw PaperSearchError.invalidArxivID(value: reference)
    }

    /// A tag as typed: without a leading `#` and surrounding spaces; refuses empty or spaced tags.
    public static func normalizedTag(_ raw: String) throws -> String {
        var tag = raw.trimmingCharacters(in: .whitespaces)
        while tag.hasPrefix("#") { tag.removeFirst() }
        guard !tag.isEmpty, !tag.contains(where: { $0.isWhitespace }) else {
            throw PaperSearchError.invalidOption(option: "TAG", value: raw, expected: "a tag without spaces, e.g. rag or long-context")
        }
        return tag
    }

    /// Adds human tags to a stored paper; returns how many were new.
    @discardableResult
    public func addHumanTags(paper reference: String, tags: [String], now: String = PaperStore.timestamp()) throws -> Int {
        let id = try Self.paperID(reference)
        let normalized = try tags.map(Self.normalizedTag)
        return try write { db in
            try Self.requirePaper(id, db)
            var added = 0
            for tag in normalized where try Self.addHumanTag(paperID: id, tag: tag, now: now, in: db) {
                added += 1
            }
            return added
        }
    }

    /// Removes tags from a stored paper: its human rows and any predicted rows of those tags
    /// (arXiv categories follow the paper's categories and stay). Returns the rows removed.
    @discardableResult
    public func removeTags(paper reference: String, tags: [String]) throws -> Int {
        let id = try Self.paperID(reference)
        let normalized = try tags.map(Self.normalizedTag)
        return try write { db in
            try Self.requirePaper(id, db)
            var removed = 0
            for tag in normalized {
                try db.execute(
                    sql: "DELETE FROM tags WHERE paper_id = ? AND tag = ? AND origin IN ('human', 'predicted')",
                    arguments: [id, tag])
                removed += db.changesCount
            }
            return removed
        }
    }

    /// Every tag with the number of papers carrying it per origin, most used first.
    public func tagCounts() throws -> [TagListing.Count] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT tag,
                       SUM(origin = 'human') AS human, SUM(origin = 'arxiv-category') AS category,
                       SUM(origin = 'predicted') AS predicted, COUNT(DISTINCT paper_id) AS papers
                FROM tags GROUP BY tag ORDER BY papers DESC, tag
                """).map { row in
                TagListing.Count(
                    tag: row["tag"], human: row["human"], category: row["category"], predicted: row["predicted"],
                    papers: row["papers"])
            }
        }
    }

    /// The tags of one stored paper, all origins.
    public func tags(paper reference: String) throws -> [TagListing.Entry] {
        let id = try Self.paperID(reference)
        return try read { db in
            try Self.requirePaper(id, db)
            return try Row.fetchAll(db, sql: """
                SELECT tag, origin, confidence, model, created_at FROM tags WHERE paper_id = ?
                ORDER BY CASE origin WHEN 'human' THEN 0 WHEN 'arxiv-category' THEN 1 ELSE 2 END,
                         confidence DESC, tag
                """, arguments: [id]).map { row in
                TagListing.Entry(
                    tag: row["tag"], origin: row["origin"], confidence: row["confidence"], model: row["model"],
                    createdAt: row["created_at"])
            }
        }
    }

    /// Stores predicted tags: for each paper in the store, its previous predicted rows are
    /// replaced by `tags` (those it already carries as human tags are left out). Human and
    /// category rows are never touched. Returns the ids not in the store (nothing stored).
    public func storePredictions(
        _ predictions: [(paper: String, tags: [(tag: String, confidence: Float)])], model: String,
        now: String = PaperStore.timestamp()
    ) throws -> [String] {
        try write { db in
            var missing: [String] = []
            let exists = try db.cachedStatement(sql: "SELECT 1 FROM papers WHERE id = ?")
            let human = try db.cachedStatement(sql: "SELECT tag FROM tags WHERE paper_id = ? AND origin = 'human'")
            let clear = try db.cachedStatement(sql: "DELETE FROM tags WHERE paper_id = ? AND origin = 'predicted'")
            let insert = try db.cachedStatement(sql: """
                INSERT INTO tags (paper_id, tag, origin, confidence, model, created_at)
                VALUES (?, ?, 'predicted', ?, ?, ?)
                """)
            for (paper, tags) in predictions {
                guard try Bool.fetchOne(exists, arguments: [paper]) != nil else {
                    missing.append(paper)
                    continue
                }
                let humanTags = Set(try String.fetchAll(human, arguments: [paper]))
                try clear.execute(arguments: [paper])
                for (tag, confidence) in tags where !humanTags.contains(tag) {
                    try insert.execute(arguments: [paper, tag, Double(confidence), model, now])
                }
            }
            return missing
        }
    }

    private static func requirePaper(_ id: String, _ db: Database) throws {
        guard try Int.fetchOne(db, sql: "SELECT 1 FROM papers WHERE id = ?", arguments: [id]) != nil else {
            throw PaperSearchError.unknownPaper(id: id)
        }
    }
}
