import Foundation
import GRDB
import Core
import NumericKernels

/// An int8 copy of the document embeddings (tables `doc_codes` and `doc_code_blocks`, see `Schema`),
/// so a query streams 1 byte per value instead of loading 4.
///
/// Symmetric per-row quantisation: s_i = max_j |e_ij| / 127, c_ij = round(e_ij / s_i). For a
/// query vector x the approximate dot product s_i (c_i . x) differs from e_i . x by at most
/// s_i / 2 * ||x||_1 (each |e_ij - s_i c_ij| <= s_i / 2), which `bound` returns; the query engine
/// re-scores with the exact float32 rows every paper whose bound could change the top k.
public struct QuantizedEmbeddings: Sendable {
    public let k: Int
    /// One scale per row.
    public var scales: [Float] = []
    public var count: Int { scales.count }

    /// Codes of rows with k values each; fill `scales` (see `encode`).
    public init(k: Int, scales: [Float] = []) {
        self.k = k
        self.scales = scales
    }

    /// Codes and scales of `rows` rows of `embeddings` (row-major, k values each).
    public static func encode(_ embeddings: ArraySlice<Float>, k: Int) -> (scales: [Float], codes: [Int8]) {
        let rows = k > 0 ? embeddings.count / k : 0
        var scales = [Float](repeating: 0, count: rows)
        var codes = [Int8](repeating: 0, count: rows * k)
        embeddings.withUnsafeBufferPointer { e in
            scales.withUnsafeMutableBufferPointer { s in
                codes.withUnsafeMutableBufferPointer { c in encode(e, k: k, scales: s, codes: c) }
            }
        }
        return (scales, codes)
    }

    /// The same into caller-provided buffers (`scales.count` rows; rows with no nonzero value
    /// get scale 0 and codes 0).
    ///
    /// c_ij = e_ij / s_i rounded half away from zero and clamped to +-127, computed as truncation
    /// plus a correction on the exact fraction (x - trunc(x) is exact for |x| <= 127) rather than
    /// with `rounded()`, which is a libm call per value: same codes, about 5x faster (the 27M
    /// values of the arXiv sample took 0.12 s).
    static func encode(
        _ embeddings: UnsafeBufferPointer<Float>, k: Int, scales: UnsafeMutableBufferPointer<Float>,
        codes: UnsafeMutableBufferPointer<Int8>
    ) {
        let rows = min(scales.count, k > 0 ? min(embeddings.count, codes.count) / k : 0)
        for i in 0..<rows {
            let row = UnsafeBufferPointer(rebasing: embeddings[(i * k)..<((i + 1) * k)])
            let out = UnsafeMutableBufferPointer(rebasing: codes[(i * k)..<((i + 1) * k)])
            var peak: Float = 0
            for x in row { peak = max(peak, abs(x)) }
            guard peak > 0, peak.isFinite else {
                scales[i] = 0
                for j in 0..<k { out[j] = 0 }
                continue
            }
            let scale = peak / 127
            scales[i] = scale
            let inv = 1 / scale
            for j in 0..<k {
                var x = row[j] * inv
                // Clamp first (a NaN becomes 0): the conversion below then cannot trap.
                x = x > 127 ? 127 : (x < -127 ? -127 : (x == x ? x : 0))
                let t = Int32(x)
                let fraction = x - Float(t)
                let rounded = t + (fraction >= 0.5 ? 1 : 0) - (fraction <= -0.5 ? 1 : 0)
                out[j] = Int8(truncatingIfNeeded: rounded)
            }
        }
    }

    /// Writes the scan rows of chunks (`doc_codes`, `doc_code_blocks`) with prepared statements
    /// and buffers reused from chunk to chunk.
    final class Writer {
        private let k: Int
        private let chunkRow: RawStatement
        private let blockRow: RawStatement
        /// Rows per code block: a block fits in one page with room for the cell and record headers.
        private let blockRows: Int
        private var scales: [Float] = []
        private var codes: [Int8] = []

        init(_ db: Database, k: Int) throws {
            self.k = k
            chunkRow = try RawStatement(db, sql: """
                INSERT INTO doc_codes (chunk, row_count, pids, lengths, norms, scales) VALUES (?, ?, ?, ?, ?, ?)
                """)
            blockRow = try RawStatement(db, sql: "INSERT INTO doc_code_blocks (block, codes) VALUES (?, ?)")
            let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
            blockRows = max(1, (pageSize - 256) / max(1, k))
        }

        /// Writes the scan row of one chunk (same chunk number as its `doc_chunks` row); the
        /// buffers hold its `rows` rows (pids Int64, lengths and norms Float32).
        func write(
            chunk: Int, rows: Int, pids: UnsafeRawBufferPointer, lengths: UnsafeRawBufferPointer,
            norms: UnsafeRawBufferPointer, embeddings: UnsafeBufferPointer<Float>
        ) throws {
            if scales.count != rows {
                scales = [Float](repeating: 0, count: rows)
                codes = [Int8](repeating: 0, count: rows * k)
            }
            let k = self.k
            scales.withUnsafeMutableBufferPointer { s in
                codes.withUnsafeMutableBufferPointer { c in
                    QuantizedEmbeddings.encode(embeddings, k: k, scales: s, codes: c)
                }
            }
            try scales.withUnsafeBytes { scales in
                try chunkRow.execute { b in
                    b.bind(1, chunk)
                    b.bind(2, rows)
                    b.bind(3, blob: pids)
                    b.bind(4, blob: lengths)
                    b.bind(5, blob: norms)
                    b.bind(6, blob: scales)
                }
            }
            try codes.withUnsafeBytes { codes in
                var part = 0
                var start = 0
                while start < rows {
                    let end = min(rows, start + blockRows)
                    try blockRow.execute { b in
                        b.bind(1, chunk * 65536 + part)
                        b.bind(2, blob: UnsafeRawBufferPointer(rebasing: codes[(start * k)..<(end * k)]))
                    }
                    part += 1
                    start = end
                }
            }
        }
    }

    /// The document rows (pids, lengths, norms) and scales, or nil when the table does not
    /// cover the model's chunks (an index written before the table existed): the caller then
    /// loads `doc_chunks` with the float32 embeddings.
    static func load(_ db: Database, k: Int, rowCount: Int) throws -> (ModelReader.Documents, QuantizedEmbeddings)? {
        guard try db.tableExists("doc_codes"),
              let covered = try Int.fetchOne(db, sql: "SELECT SUM(row_count) FROM doc_codes"), covered == rowCount,
              let chunks = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM doc_codes"),
              let modelChunks = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM doc_chunks"), chunks == modelChunks
        else { return nil }
        // The code blocks' size is checked as they are scanned (`dots`): summing
        // length(codes) here would make SQLite read all of them once more.
        var pids = ColumnBuffer<Int64>(count: rowCount)
        var lengths = ColumnBuffer<Float>(count: rowCount)
        var norms = ColumnBuffer<Float>(count: rowCount)
        var scales = ColumnBuffer<Float>(count: rowCount)
        let rows = try Row.fetchCursor(db, sql: "SELECT pids, lengths, norms, scales FROM doc_codes ORDER BY chunk")
        while let row = try rows.next() {
            pids.append(row.dataNoCopy(atIndex: 0))
            lengths.append(row.dataNoCopy(atIndex: 1))
            norms.append(row.dataNoCopy(atIndex: 2))
            scales.append(row.dataNoCopy(atIndex: 3))
        }
        var docs = ModelReader.Documents()
        docs.pids = pids.finish()
        docs.lengths = lengths.finish()
        docs.norms = norms.finish()
        docs.dead = Set(try Int.fetchAll(db, sql: "SELECT row FROM dead_rows"))
        var codes = QuantizedEmbeddings(k: k)
        codes.scales = scales.finish()
        guard codes.scales.count == rowCount, docs.pids.count == rowCount else { return nil }
        return (docs, codes)
    }

    /// Approximate dot products of every row with `x` into `out` (count values), streaming the
    /// code blocks from SQLite (each read in place from its memory-mapped page), and the half-step factor
    /// ||x||_1 / 2 + eps: row i's error is at most `scales[i] * factor`.
    func dots(_ db: Database, _ x: [Float], into out: inout [Float]) throws -> Float {
        let query = Int8Scan.fixedPoint(x)
        var row = 0
        let cursor = try Row.fetchCursor(db, sql: "SELECT codes FROM doc_code_blocks ORDER BY block")
        while let chunk = try cursor.next() {
            guard let data = chunk.dataNoCopy(atIndex: 0) else { continue }
            let rows = data.count / max(1, k)
            guard row + rows <= out.count, row + rows <= scales.count else {
                throw PaperSearchError.damagedStore("doc_code_blocks holds more rows than the model")
            }
            data.withUnsafeBytes { raw in
                out.withUnsafeMutableBufferPointer { o in
                    dots(UnsafeBufferPointer(rebasing: raw.bindMemory(to: Int8.self)[0..<(rows * k)]), firstRow: row, query,
                         into: UnsafeMutableBufferPointer(rebasing: o[row..<(row + rows)]))
                }
            }
            row += rows
        }
        guard row == scales.count else { throw Self.incomplete(rows: row, expected: scales.count) }
        return Int8Scan.errorFactor(x, step: query.step)
    }

    static func incomplete(rows: Int, expected: Int) -> PaperSearchError {
        PaperSearchError.damagedStore("doc_code_blocks holds \(rows) rows of codes, the model \(expected); rebuild with `papersearch index`")
    }

    /// The same from codes already in memory (every row).
    /// On every core: the rows are cut into 8 fixed chunks (each row summed by one chunk in
    /// integers, so the result does not depend on the thread count); measured 8.4 -> 5 ms for a
    /// 105,720 x 256 in-memory scan on 2 cores.
    public func dots(codes: [Int8], _ x: [Float], into out: inout [Float]) -> Float {
        let query = Int8Scan.fixedPoint(x)
        let rows = min(out.count, scales.count, codes.count / max(1, k))
        let chunks = rows >= 4096 ? 8 : 1
        let k = self.k
        codes.withUnsafeBufferPointer { c in
            out.withUnsafeMutableBufferPointer { o in
                nonisolated(unsafe) let c = c, o = o
                ParallelChunks.forEach(chunks: chunks) { chunk in
                    let first = rows * chunk / chunks, last = rows * (chunk + 1) / chunks
                    guard last > first else { return }
                    let part = UnsafeBufferPointer(rebasing: c[(first * k)..<(last * k)])
                    self.dots(part, firstRow: first, query, into: UnsafeMutableBufferPointer(rebasing: o[first..<last]))
                }
            }
        }
        return Int8Scan.errorFactor(x, step: query.step)
    }

    /// Rows firstRow ..< firstRow + c.count / k (`c` starts at row firstRow) into `out`, whose
    /// element 0 is row firstRow; the query in fixed point (`Int8Scan.fixedPoint`).
    func dots(_ c: UnsafeBufferPointer<Int8>, firstRow: Int, _ query: (q: [Int16], step: Float),
              into o: UnsafeMutableBufferPointer<Float>) {
        let rows = min(c.count / max(1, k), o.count, scales.count - firstRow)
        guard rows > 0 else { return }
        scales.withUnsafeBufferPointer { scaleBuffer in
            guard let sb = scaleBuffer.baseAddress else { return }
            Int8Scan.dots(c, k: k, rows: rows, scales: sb + firstRow, query, into: o)
        }
    }
}
