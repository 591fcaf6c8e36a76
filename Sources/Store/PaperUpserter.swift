import GRDB
import Core

/// Stores papers one after another inside one write transaction, with its statements prepared
/// once and bound through the SQLite C API (`RawStatement`: the importer's hot path, 105k
/// papers and 213k category tags of the arXiv sample).
///
/// Semantics are those of `PaperStore.upsert`: insert, or update when the version is newer,
/// never duplicate; arXiv category tags follow the stored categories; human tags are added.
/// When the `papers` table is empty at creation (a first import) whether a paper already
/// exists is answered from the ids this upserter stored, not with a query per paper.
package final class PaperUpserter {
    private let db: Database
    private let now: String
    private let existing: RawStatement
    private let upsert: RawStatement
    private let clearCategories: RawStatement
    private let addCategory: RawStatement
    private let addHuman: RawStatement
    /// Ids stored so far, kept only when the table started empty (nil otherwise).
    private var stored: Set<String>?

    /// Prepares the statements; `now` is the import timestamp (ISO 8601).
    init(db: Database, now: String) throws {
        self.db = db
        self.now = now
        existing = try RawStatement(db, sql: "SELECT 1 FROM papers WHERE id = ?")
        upsert = try RawStatement(db, sql: """
            INSERT INTO papers (id, version, title, abstract, authors, categories, primary_category,
                                published, updated, source, imported_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET
                version = excluded.version, title = excluded.title, abstract = excluded.abstract,
                authors = COALESCE(excluded.authors, papers.authors),
                categories = CASE WHEN excluded.categories = '' THEN papers.categories ELSE excluded.categories END,
                primary_category = COALESCE(excluded.primary_category, papers.primary_category),
                published = COALESCE(excluded.published, papers.published),
                updated = COALESCE(excluded.updated, papers.updated),
                source = excluded.source, imported_at = excluded.imported_at
            WHERE excluded.version IS NOT NULL AND (papers.version IS NULL OR excluded.version > papers.version)
            """)
        clearCategories = try RawStatement(
            db, sql: "DELETE FROM tags WHERE paper_id = ? AND origin = 'arxiv-category'")
        addCategory = try RawStatement(db, sql: """
            INSERT OR IGNORE INTO tags (paper_id, tag, origin, confidence, model, created_at)
            VALUES (?, ?, 'arxiv-category', 1.0, NULL, ?)
            """)
        addHuman = try RawStatement(db, sql: """
            INSERT OR IGNORE INTO tags (paper_id, tag, origin, confidence, model, created_at)
            VALUES (?, ?, 'human', 1.0, NULL, ?)
            """)
        let empty = try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM papers)") ?? false
        stored = empty ? [] : nil
    }

    /// Whether a paper with this id is stored. With `stored`, a miss is exact (Swift equality of
    /// Strings is at least as loose as SQLite's byte equality); a hit is confirmed by a query.
    private func exists(_ id: String) throws -> Bool {
        if let stored, !stored.contains(id) { return false }
        return try existing.step { $0.bind(1, id) }
    }

    /// Inserts or updates one paper and its tags.
    package func store(_ paper: Paper) throws -> PaperStore.UpsertOutcome {
        let existed = try exists(paper.id)
        try upsert.execute { b in
            b.bind(1, paper.id)
            if let version = paper.version { b.bind(2, version) }
            b.bind(3, paper.title)
            b.bind(4, paper.abstract)
            b.bind(5, paper.authors)
            b.bind(6, paper.categories.joined(separator: " "))
            b.bind(7, paper.primaryCategory)
            b.bind(8, paper.published)
            b.bind(9, paper.updated)
            b.bind(10, paper.source.rawValue)
            b.bind(11, now)
        }
        let changed = db.changesCount > 0
        let outcome: PaperStore.UpsertOutcome = !existed ? .inserted : (changed ? .updated : .unchanged)
        if outcome == .inserted { stored?.insert(paper.id) }
        if changed && !paper.categories.isEmpty {
            if outcome == .updated {
                try clearCategories.execute { $0.bind(1, paper.id) }
            }
            // One row per statement: a multi-row INSERT needs a statement journal (it could fail
            // half-way), which copies each touched 64 KiB page to a temporary file.
            for category in paper.categories {
                try addCategory.execute { b in
                    b.bind(1, paper.id)
                    b.bind(2, category)
                    b.bind(3, now)
                }
            }
        }
        for tag in paper.tags {
            try addHuman.execute { b in
                b.bind(1, paper.id)
                b.bind(2, tag)
                b.bind(3, now)
            }
        }
        return outcome
    }
}
