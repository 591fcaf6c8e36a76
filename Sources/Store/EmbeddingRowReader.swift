import Foundation
import GRDB
import GRDBSQLite
import Core

/// Reads single float32 embedding rows out of the `doc_chunks.embeddings` BLOBs with SQLite's
/// incremental BLOB I/O (`sqlite3_blob_open` / `sqlite3_blob_read`), so re-scoring a few hundred
/// candidates touches a few hundred KiB instead of loading all embeddings.
///
/// The only use of the raw SQLite C API: a measured hot path of every query (loading the full
/// float32 matrix costs ~100 ms on a 105,720-paper index; this costs well under 1 ms).
package struct EmbeddingRowReader: Sendable {
    /// (chunk number, first row, row count) of every chunk, in row order.
    let chunks: [(chunk: Int64, firstRow: Int, rowCount: Int)]
    let k: Int

    static func load(_ db: Database, k: Int) throws -> EmbeddingRowReader {
        let rows = try Row.fetchAll(db, sql: "SELECT chunk, first_row, row_count FROM doc_chunks ORDER BY first_row")
        return EmbeddingRowReader(chunks: rows.map { (chunk: $0[0], firstRow: $0[1], rowCount: $0[2]) }, k: k)
    }

    /// The chunk holding `row` (binary search over first rows).
    func chunkIndex(of row: Int) -> Int? {
        var lo = 0, hi = chunks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if chunks[mid].firstRow + chunks[mid].rowCount <= row { lo = mid + 1 } else { hi = mid }
        }
        guard lo < chunks.count, chunks[lo].firstRow <= row else { return nil }
        return lo
    }

    /// The float32 rows of `rows` (any order), k values each, in the order given.
    func rows(_ db: Database, _ rows: [Int]) throws -> [[Float]] {
        var result = [[Float]](repeating: [], count: rows.count)
        guard !rows.isEmpty else { return result }
        guard let connection = db.sqliteConnection else {
            throw PaperSearchError.damagedStore("no SQLite connection")
        }
        let order = rows.indices.sorted { rows[$0] < rows[$1] }
        var blob: OpaquePointer? = nil
        var openChunk: Int? = nil
        defer { if blob != nil { sqlite3_blob_close(blob) } }
        let bytes = Int32(k * MemoryLayout<Float>.stride)
        for position in order {
            let row = rows[position]
            guard let index = chunkIndex(of: row) else {
                throw PaperSearchError.damagedStore("row \(row) is not in the model")
            }
            if openChunk != index {
                let chunk = chunks[index].chunk
                let code: Int32
                if blob == nil {
                    code = sqlite3_blob_open(connection, "main", "doc_chunks", "embeddings", chunk, 0, &blob)
                } else {
                    code = sqlite3_blob_reopen(blob, chunk)
                }
                guard code == SQLITE_OK else {
                    let message = String(cString: sqlite3_errmsg(connection))
                    throw PaperSearchError.damagedStore("cannot read embeddings of chunk \(chunk): \(message)")
                }
                openChunk = index
            }
            let offset = Int32((row - chunks[index].firstRow) * Int(bytes))
            var values = [Float](repeating: 0, count: k)
            let code = values.withUnsafeMutableBytes { sqlite3_blob_read(blob, $0.baseAddress, bytes, offset) }
            guard code == SQLITE_OK else {
                throw PaperSearchError.damagedStore("cannot read embedding row \(row) (SQLite code \(code))")
            }
            result[position] = values
        }
        return result
    }
}
