import Foundation
import GRDB
import Core

/// Reads the stored model: metadata, the rows of given terms, and all document rows in a few
/// large BLOB reads. Shared by the query engine and the fold-in path.
///
/// `documents` is public for the benchmarks (loading every embedding is a measured hot path).
public struct ModelReader {
    /// A vocabulary row.
    /// One vocabulary row (the value type lives in Core: `LatentSpace` folds with it too).
    package typealias Term = VocabularyTerm

    /// Every document row of the model.
    public struct Documents: Sendable {
        public var pids: [Int64] = []
        /// rows x k, L2-normalised.
        public var embeddings: [Float] = []
        public var lengths: [Float] = []
        public var norms: [Float] = []
        public var dead: Set<Int> = []
        public var count: Int { pids.count }

        public init() {}
    }

    /// The metadata, or nil when no model was fitted yet.
    static func metadata(_ db: Database, path: String) throws -> ModelMetadata? {
        guard let json = try metadataText(db) else { return nil }
        return try ModelMetadataCoding.decode(json, path: path)
    }

    /// The metadata exactly as stored (JSON), or nil when no model was fitted yet: every `index`
    /// and `add` rewrites it, so the text also names one committed model state (`ModelVersion`).
    static func metadataText(_ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT metadata FROM lsa_model WHERE id = 1")
    }

    static func singularValues(_ db: Database) throws -> [Float] {
        guard let data = try Data.fetchOne(db, sql: "SELECT singular_values FROM lsa_model WHERE id = 1") else {
            return []
        }
        return floats(data)
    }

    /// Vocabulary rows of `terms` (unknown terms are absent from the result).
    static func terms(_ db: Database, _ terms: [String], k: Int) throws -> [String: Term] {
        guard !terms.isEmpty else { return [:] }
        var result: [String: Term] = [:]
        let marks = Array(repeating: "?", count: terms.count).joined(separator: ",")
        try appendTerms(db, marks: marks, arguments: StatementArguments(terms), to: &result)
        return result
    }

    /// Vocabulary rows of any number of `terms`, looked up in IN lists of at most 500
    /// (`forEachInBatch`); unknown terms are absent from the result.
    static func vocabulary(_ db: Database, _ terms: [String], k: Int) throws -> [String: Term] {
        var result: [String: Term] = [:]
        try db.forEachInBatch(terms) { marks, arguments in
            try appendTerms(db, marks: marks, arguments: arguments, to: &result)
        }
        return result
    }

    /// Adds the vocabulary rows whose term is one of `arguments` to `result` (terms are unique in the table).
    private static func appendTerms(
        _ db: Database, marks: String, arguments: StatementArguments, to result: inout [String: Term]
    ) throws {
        let rows = try Row.fetchCursor(
            db, sql: "SELECT term_id, term, df, idf, lsa_col, projection FROM vocabulary WHERE term IN (\(marks))",
            arguments: arguments)
        while let row = try rows.next() {
            let projection: [Float]? = (row["projection"] as Data?).map(floats)
            let idf: Double? = row["idf"]
            result[row["term"]] = Term(
                id: row["term_id"], term: row["term"], df: row["df"], idf: idf.map(Float.init),
                column: row["lsa_col"], projection: projection)
        }
    }

    /// Postings of one term over every segment: (row, weighted tf) pairs.
    static func postings(_ db: Database, termID: Int) throws -> [(row: Int, tf: Float)] {
        var result: [(row: Int, tf: Float)] = []
        let rows = try Row.fetchCursor(
            db, sql: "SELECT format, entries FROM postings WHERE term_id = ? ORDER BY segment", arguments: [termID])
        while let row = try rows.next() {
            let format: Int = row[0]
            guard let data = row.dataNoCopy(atIndex: 1) else { continue }
            let valid = data.withUnsafeBytes { raw -> Bool in
                switch format {
                case PackedPostings.rawFormat:
                    let words = raw.bindMemory(to: UInt32.self)
                    var i = 0
                    while i + 1 < words.count {
                        result.append((Int(words[i]), Float(bitPattern: words[i + 1])))
                        i += 2
                    }
                    return true
                case PackedPostings.packedFormat:
                    return PackedPostings.decode(raw, into: &result)
                default:
                    return false
                }
            }
            guard valid else {
                throw PaperSearchError.damagedStore("unreadable postings of term \(termID) (format \(format)); rebuild with `papersearch index`")
            }
        }
        return result
    }

    /// All document rows, chunk by chunk, each BLOB copied once into its final place.
    /// With `embeddings: false` the float32 embeddings are left out (`embeddings` stays empty).
    public static func documents(_ db: Database, k: Int, rowCount: Int, embeddings withEmbeddings: Bool = true) throws -> Documents {
        var docs = Documents()
        var pids = ColumnBuffer<Int64>(count: rowCount)
        var embeddings = ColumnBuffer<Float>(count: withEmbeddings ? rowCount * k : 0)
        var lengths = ColumnBuffer<Float>(count: rowCount)
        var norms = ColumnBuffer<Float>(count: rowCount)
        let rows = try Row.fetchCursor(
            db, sql: withEmbeddings
                ? "SELECT pids, lengths, norms, embeddings FROM doc_chunks ORDER BY chunk"
                : "SELECT pids, lengths, norms FROM doc_chunks ORDER BY chunk")
        while let row = try rows.next() {
            pids.append(row.dataNoCopy(atIndex: 0))
            lengths.append(row.dataNoCopy(atIndex: 1))
            norms.append(row.dataNoCopy(atIndex: 2))
            if withEmbeddings { embeddings.append(row.dataNoCopy(atIndex: 3)) }
        }
        docs.pids = pids.finish()
        docs.embeddings = embeddings.finish()
        docs.lengths = lengths.finish()
        docs.norms = norms.finish()
        guard !withEmbeddings || docs.embeddings.count == docs.pids.count * k else {
            throw PaperSearchError.damagedStore("model has \(docs.embeddings.count) embedding values for \(docs.pids.count) rows of k=\(k)")
        }
        docs.dead = Set(try Int.fetchAll(db, sql: "SELECT row FROM dead_rows"))
        return docs
    }

    static func floats(_ data: Data) -> [Float] {
        var out: [Float] = []
        append(data, to: &out)
        return out
    }

    /// Appends the elements stored in `data` (raw little-endian) to `array`.
    static func append<T: BitwiseCopyable>(_ data: Data?, to array: inout [T]) {
        guard let data, !data.isEmpty else { return }
        let stride = MemoryLayout<T>.stride
        let count = data.count / stride
        let tail = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            data.withUnsafeBytes { src in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: src[0..<(count * stride)]))
            }
            initialized = count
        }
        array.append(contentsOf: tail)
    }
}

/// A preallocated array filled from consecutive BLOBs with one copy each.
struct ColumnBuffer<T: BitwiseCopyable> {
    private var storage: [T]
    private var filled = 0

    init(count: Int) {
        storage = [T](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    mutating func append(_ data: Data?) {
        guard let data, !data.isEmpty else { return }
        let stride = MemoryLayout<T>.stride
        let count = data.count / stride
        if filled + count > storage.count {
            // More rows than the metadata said: grow (never expected, but never overflow).
            storage += [T](unsafeUninitializedCapacity: filled + count - storage.count) { _, n in
                n = filled + count - storage.count
            }
        }
        storage.withUnsafeMutableBytes { dst in
            data.withUnsafeBytes { src in
                UnsafeMutableRawBufferPointer(rebasing: dst[(filled * stride)..<((filled + count) * stride)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: src[0..<(count * stride)]))
            }
        }
        filled += count
    }

    /// The filled prefix.
    mutating func finish() -> [T] {
        if filled < storage.count { storage.removeLast(storage.count - filled) }
        return storage
    }
}
