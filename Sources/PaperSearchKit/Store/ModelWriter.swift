import Foundation
import GRDB

/// Writes model artefacts. `replaceModel` swaps the whole model in one transaction, so a
/// reader (WAL snapshot) sees the old model or the new one, never a mix.
extension PaperStore {
    func replaceModel(_ model: ModelArtifacts, progress: ((Double) -> Void)? = nil) throws {
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
            let vocab = try db.makeStatement(
                sql: "INSERT INTO vocabulary (term_id, term, df, idf, lsa_col, projection) VALUES (?, ?, ?, ?, ?, ?)")
            let posting = try db.makeStatement(
                sql: "INSERT INTO postings (term_id, segment, entries) VALUES (?, 0, ?)")
            try model.projection.storage.withUnsafeBufferPointer { projection in
                for t in 0..<model.terms.count {
                    let c = Int(model.column[t])
                    if c >= 0 {
                        let row = Data(buffer: UnsafeBufferPointer(rebasing: projection[(c * k)..<((c + 1) * k)]))
                        try vocab.execute(arguments: [t, model.terms[t], model.df[t], model.idf[c], c, row])
                    } else {
                        try vocab.execute(arguments: [t, model.terms[t], model.df[t], nil, nil, nil])
                    }
                    let lo = 2 * model.postingOffsets[t], hi = 2 * model.postingOffsets[t + 1]
                    if hi > lo {
                        try posting.execute(arguments: [t, model.postingEntries[lo..<hi].blob])
                    }
                    if t % 8192 == 0 { progress?(0.5 * Double(t) / Double(max(1, model.terms.count))) }
                }
            }
            try Self.appendChunks(
                db, firstRow: 0, chunkRows: model.metadata.chunkRows, k: k, folded: false, pids: model.pids,
                embeddings: model.embeddings, lengths: model.lengths, norms: model.norms
            ) { progress?(0.5 + 0.5 * $0) }
        }
    }

    /// Appends document rows as chunks of at most `chunkRows`, numbered after the last chunk.
    /// Public for the benchmarks (they write a synthetic model to time loading it).
    public static func appendChunks(
        _ db: Database, firstRow: Int, chunkRows: Int, k: Int, folded: Bool, pids: [Int64], embeddings: [Float],
        lengths: [Float], norms: [Float], progress: ((Double) -> Void)? = nil
    ) throws {
        let next = (try Int.fetchOne(db, sql: "SELECT MAX(chunk) FROM doc_chunks") ?? -1) + 1
        let insert = try db.makeStatement(sql: """
            INSERT INTO doc_chunks (chunk, first_row, row_count, folded, pids, embeddings, lengths, norms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var start = 0
        var chunk = next
        while start < pids.count {
            let end = min(pids.count, start + chunkRows)
            try insert.execute(arguments: [
                chunk, firstRow + start, end - start, folded, pids[start..<end].blob,
                embeddings[(start * k)..<(end * k)].blob, lengths[start..<end].blob, norms[start..<end].blob,
            ])
            try QuantizedEmbeddings.write(
                db, chunk: chunk, pids: pids[start..<end], lengths: lengths[start..<end], norms: norms[start..<end],
                embeddings: embeddings[(start * k)..<(end * k)], k: k)
            progress?(Double(end) / Double(pids.count))
            start = end
            chunk += 1
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
