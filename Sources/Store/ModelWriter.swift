import Foundation
import GRDB
import Core
import NumericKernels

/// Writes model artefacts. `replaceModel` swaps the whole model in one transaction, so a
/// reader (WAL snapshot) sees the old model or the new one, never a mix.
extension PaperStore {
    /// Takes the model by value and frees each large array once it is written (the postings and
    /// V_k after the vocabulary, the embeddings after the chunks): when the caller hands over
    /// the only reference (`consume`), that memory returns to the kernel before the commit
    /// writes the WAL and the checkpoint copies it into the database file, which need as much
    /// page cache as the model's size.
    package func replaceModel(_ model: consuming ModelArtifacts, progress: ((Double) -> Void)? = nil) throws {
        let metadataJSON = try ModelMetadataCoding.encode(model.metadata)
        try write { db in
            try db.execute(sql: """
                DELETE FROM lsa_model; DELETE FROM vocabulary; DELETE FROM postings;
                DELETE FROM doc_chunks; DELETE FROM dead_rows; DELETE FROM doc_codes; DELETE FROM doc_code_blocks;
                """)
            try db.execute(
                sql: "INSERT INTO lsa_model (id, metadata, singular_values) VALUES (1, ?, ?)",
                arguments: [metadataJSON, model.singularValues.blob])
            let k = model.projection.cols
            let vocab = try RawStatement(db, sql: """
                INSERT INTO vocabulary (term_id, term, df, idf, lsa_col, projection) VALUES (?, ?, ?, ?, ?, ?)
                """)
            let postings = try PostingsWriter(db)
            try model.projection.storage.withUnsafeBytes { projection in
                try model.postingEntries.withUnsafeBufferPointer { entries in
                    for t in 0..<model.terms.count {
                        let c = Int(model.column[t])
                        try vocab.execute { b in
                            b.bind(1, t)
                            b.bind(2, model.terms[t])
                            b.bind(3, Int(model.df[t]))
                            if c >= 0 {
                                b.bind(4, Double(model.idf[c]))
                                b.bind(5, c)
                                b.bind(6, blob: UnsafeRawBufferPointer(rebasing: projection[(c * k * 4)..<((c + 1) * k * 4)]))
                            }
                        }
                        let lo = 2 * model.postingOffsets[t], hi = 2 * model.postingOffsets[t + 1]
                        if hi > lo {
                            try postings.insert(
                                termID: t, segment: 0, entries: UnsafeBufferPointer(rebasing: entries[lo..<hi]))
                        }
                        if t % 8192 == 0 { progress?(0.5 * Double(t) / Double(max(1, model.terms.count))) }
                    }
                }
            }
            model.postingEntries = []
            model.projection = DenseMatrix(rows: 0, cols: 0)
            try Self.appendChunks(
                db, firstRow: 0, chunkRows: model.metadata.chunkRows, k: k, folded: false, pids: model.pids,
                embeddings: model.embeddings, lengths: model.lengths, norms: model.norms
            ) { progress?(0.5 + 0.5 * $0) }
            model.embeddings = []
        }
    }

    /// Appends document rows as chunks of at most `chunkRows`, numbered after the last chunk.
    /// Public for the benchmarks (they write a synthetic model to time loading it).
    public static func appendChunks(
        _ db: Database, firstRow: Int, chunkRows: Int, k: Int, folded: Bool, pids: [Int64], embeddings: [Float],
        lengths: [Float], norms: [Float], progress: ((Double) -> Void)? = nil
    ) throws {
        let next = (try Int.fetchOne(db, sql: "SELECT MAX(chunk) FROM doc_chunks") ?? -1) + 1
        let insert = try RawStatement(db, sql: """
            INSERT INTO doc_chunks (chunk, first_row, row_count, folded, pids, embeddings, lengths, norms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let codes = try QuantizedEmbeddings.Writer(db, k: k)
        try pids.withUnsafeBytes { pids in
            try embeddings.withUnsafeBytes { embeddings in
                try lengths.withUnsafeBytes { lengths in
                    try norms.withUnsafeBytes { norms in
                        let rows = pids.count / 8
                        var start = 0
                        var chunk = next
                        while start < rows {
                            let end = min(rows, start + chunkRows)
                            let rowPids = UnsafeRawBufferPointer(rebasing: pids[(start * 8)..<(end * 8)])
                            let rowEmbeddings = UnsafeRawBufferPointer(rebasing: embeddings[(start * k * 4)..<(end * k * 4)])
                            let rowLengths = UnsafeRawBufferPointer(rebasing: lengths[(start * 4)..<(end * 4)])
                            let rowNorms = UnsafeRawBufferPointer(rebasing: norms[(start * 4)..<(end * 4)])
                            try insert.execute { b in
                                b.bind(1, chunk)
                                b.bind(2, firstRow + start)
                                b.bind(3, end - start)
                                b.bind(4, folded ? 1 : 0)
                                b.bind(5, blob: rowPids)
                                b.bind(6, blob: rowEmbeddings)
                                b.bind(7, blob: rowLengths)
                                b.bind(8, blob: rowNorms)
                            }
                            try codes.write(
                                chunk: chunk, rows: end - start, pids: rowPids, lengths: rowLengths, norms: rowNorms,
                                embeddings: rowEmbeddings.assumingMemoryBound(to: Float.self))
                            progress?(Double(end) / Double(rows))
                            start = end
                            chunk += 1
                        }
                    }
                }
            }
        }
    }
}

/// JSON coding of `ModelMetadata` with sorted keys (stable bytes for the same model).
enum ModelMetadataCoding {
    static func encode(_ metadata: ModelMetadata) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(metadata), as: UTF8.self)
    }

    static func decode(_ json: String, path: String) throws -> ModelMetadata {
        do {
            return try JSONDecoder().decode(ModelMetadata.self, from: Data(json.utf8))
        } catch {
            throw PaperSearchError.database(path: path, reason: "unreadable model metadata (\(error))")
        }
    }
}
