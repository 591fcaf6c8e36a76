import GRDB

/// The SQLite schema as a list of named, append-only migrations (GRDB's `DatabaseMigrator`).
///
/// Never edit or reorder a registered migration: add a new one at the end. A database that
/// records a migration this build does not know was written by a newer papersearch and is
/// refused (see `PaperStore.open`).
enum Schema {
    /// The migrations in order. Their count is the schema version reported by `info`.
    static let migrations: [(name: String, apply: @Sendable (Database) throws -> Void)] = [
        ("v1-papers-and-tags", createPapersAndTags),
        ("v2-lsa-model", createModelTables),
        ("v3-doc-codes", createDocCodes),
        ("v4-postings-format", addPostingsFormat),
    ]

    static var version: Int { migrations.count }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.name, migrate: migration.apply)
        }
        return migrator
    }

    /// Papers keyed by arXiv id without version (or a namespaced id such as `demo:0001`);
    /// `pid` is a stable integer handle for index artefacts. Tags keep their origin apart.
    private static func createPapersAndTags(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE papers (
                pid INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                version INTEGER,
                title TEXT NOT NULL,
                abstract TEXT NOT NULL,
                authors TEXT,
                categories TEXT NOT NULL DEFAULT '',
                primary_category TEXT,
                published TEXT,
                updated TEXT,
                source TEXT NOT NULL,
                imported_at TEXT NOT NULL
            );
            CREATE INDEX papers_published ON papers(published);
            CREATE INDEX papers_source ON papers(source);
            CREATE TABLE tags (
                paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE ON UPDATE CASCADE,
                tag TEXT NOT NULL,
                origin TEXT NOT NULL CHECK (origin IN ('human', 'arxiv-category', 'predicted')),
                confidence REAL,
                model TEXT,
                created_at TEXT NOT NULL,
                PRIMARY KEY (paper_id, tag, origin)
            ) WITHOUT ROWID;
            CREATE INDEX tags_by_tag ON tags(tag, origin);
            """)
    }

    /// The index artefacts of one LSA model (replaced as a whole in one transaction):
    /// - `lsa_model`: one row, the JSON `ModelMetadata` and the k singular values (float32 BLOB);
    /// - `vocabulary`: every analysed term (BM25 needs them all); terms kept for LSA have
    ///   `lsa_col` (their TF-IDF column), `idf`, and `projection`, the term's row of V_k
    ///   (k float32), so a query reads only its own terms' rows;
    /// - `postings`: per term and segment (0 = the fit, then one per `add`), little-endian
    ///   pairs (UInt32 document row, Float32 weighted term frequency);
    /// - `doc_chunks`: the documents in row order, `chunk_rows` at a time: paper pids (Int64),
    ///   L2-normalised embeddings (rows x k float32), BM25 lengths and TF-IDF norms (float32),
    ///   so loading every embedding takes a few large reads;
    /// - `dead_rows`: rows superseded by a newer version folded in later.
    private static func createModelTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE lsa_model (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                metadata TEXT NOT NULL,
                singular_values BLOB NOT NULL
            );
            CREATE TABLE vocabulary (
                term_id INTEGER PRIMARY KEY,
                term TEXT NOT NULL UNIQUE,
                df INTEGER NOT NULL,
                idf REAL,
                lsa_col INTEGER,
                projection BLOB
            );
            CREATE TABLE postings (
                term_id INTEGER NOT NULL,
                segment INTEGER NOT NULL,
                entries BLOB NOT NULL,
                PRIMARY KEY (term_id, segment)
            );
            CREATE TABLE doc_chunks (
                chunk INTEGER PRIMARY KEY,
                first_row INTEGER NOT NULL,
                row_count INTEGER NOT NULL,
                folded INTEGER NOT NULL,
                pids BLOB NOT NULL,
                embeddings BLOB NOT NULL,
                lengths BLOB NOT NULL,
                norms BLOB NOT NULL
            );
            CREATE TABLE dead_rows (row INTEGER PRIMARY KEY);
            """)
    }

    /// What a query scans, per `doc_chunks` chunk (same chunk number):
    /// - `doc_codes`: copies of the pids, BM25 lengths and TF-IDF norms (so reading them does not
    ///   walk the overflow pages of the float32 embeddings) and the per-row float32 scales of the
    ///   int8 embedding codes (see `QuantizedEmbeddings`);
    /// - `doc_code_blocks`: the rows x k int8 codes in blocks small enough to sit inside one page
    ///   (`block` = chunk * 65536 + part, so `ORDER BY block` is row order): SQLite then hands out
    ///   a pointer into the memory-mapped page instead of copying the BLOB.
    /// Queries re-score their best candidates with the float32 rows of `doc_chunks`.
    private static func createDocCodes(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE doc_codes (
                chunk INTEGER PRIMARY KEY,
                row_count INTEGER NOT NULL,
                pids BLOB NOT NULL,
                lengths BLOB NOT NULL,
                norms BLOB NOT NULL,
                scales BLOB NOT NULL
            );
            CREATE TABLE doc_code_blocks (
                block INTEGER PRIMARY KEY,
                codes BLOB NOT NULL
            );
            """)
    }

    /// `postings.format`: how `entries` is encoded (`PackedPostings`): 0 (every row written
    /// before this migration) = 8-byte (UInt32 row, Float32 weight) pairs, 1 = varint gaps and
    /// weights. Per row, so `add` can append packed segments to a model written before. A
    /// build without this migration refuses the file instead of misreading packed lists.
    private static func addPostingsFormat(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE postings ADD COLUMN format INTEGER NOT NULL DEFAULT 0")
    }
}
