import CSparseKernels
import Foundation

/// A sparse float32 matrix in compressed sparse row (CSR) form.
///
/// Row i holds the entries `values[p]` at columns `colIdx[p]` for p in `rowPtr[i] ..< rowPtr[i+1]`.
/// Column indices within a row need not be sorted (those produced by `transposed()` are); duplicates
/// are allowed and add up in products. Empty rows and columns are fine.
public struct SparseMatrix: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let cols: Int
    /// Row start offsets into `colIdx`/`values`; `rows + 1` entries, `rowPtr[0] == 0`,
    /// `rowPtr[rows] == nonZeroCount`, non-decreasing.
    public let rowPtr: [Int]
    /// Column index of each stored entry, in 0..<cols.
    public let colIdx: [Int32]
    /// Value of each stored entry.
    public let values: [Float]

    /// Number of stored entries.
    public var nonZeroCount: Int { values.count }

    /// A CSR matrix from its arrays. The structure is checked (a violation is a programming error and
    /// traps with the offending value).
    public init(rows: Int, cols: Int, rowPtr: [Int], colIdx: [Int32], values: [Float]) {
        precondition(rows >= 0 && cols >= 0 && cols <= Int(Int32.max),
                     "SparseMatrix: bad shape \(rows)×\(cols)")
        precondition(rowPtr.count == rows + 1, "SparseMatrix: rowPtr has \(rowPtr.count) entries, expected \(rows + 1)")
        precondition(colIdx.count == values.count,
                     "SparseMatrix: \(colIdx.count) column indices for \(values.count) values")
        precondition(rowPtr[0] == 0 && rowPtr[rows] == values.count,
                     "SparseMatrix: rowPtr spans \(rowPtr[0])..<\(rowPtr[rows]), expected 0..<\(values.count)")
        for i in 0..<rows {
            precondition(rowPtr[i] <= rowPtr[i + 1], "SparseMatrix: rowPtr decreases at row \(i)")
        }
        for c in colIdx {
            precondition(c >= 0 && Int(c) < cols, "SparseMatrix: column index \(c), expected 0..<\(cols)")
        }
        self.rows = rows
        self.cols = cols
        self.rowPtr = rowPtr
        self.colIdx = colIdx
        self.values = values
    }

    /// The non-zero entries of a dense matrix, row by row (mostly for tests).
    public init(dense: DenseMatrix) {
        var ptr = [0]
        var idx: [Int32] = []
        var vals: [Float] = []
        for i in 0..<dense.rows {
            for j in 0..<dense.cols where dense[i, j] != 0 {
                idx.append(Int32(j))
                vals.append(dense[i, j])
            }
            ptr.append(vals.count)
        }
        self.init(rows: dense.rows, cols: dense.cols, rowPtr: ptr, colIdx: idx, values: vals)
    }

    /// The same matrix as a dense one (duplicates summed).
    public func toDense() -> DenseMatrix {
        var d = DenseMatrix(rows: rows, cols: cols)
        for i in 0..<rows {
            for p in rowPtr[i]..<rowPtr[i + 1] {
                d[i, Int(colIdx[p])] += values[p]
            }
        }
        return d
    }

    /// The transpose Aᵀ in CSR form (equivalently, A in compressed sparse column form), by a counting
    /// sort on column index: O(nnz + rows + cols). Within each row of Aᵀ, entries are in increasing
    /// order of A's row index (stable for duplicates).
    public func transposed() -> SparseMatrix {
        let nnz = nonZeroCount
        // Count the entries of each column of A (= each row of Aᵀ).
        var tPtr = [Int](repeating: 0, count: cols + 1)
        for c in colIdx { tPtr[Int(c) + 1] += 1 }
        // Prefix sums give the row starts of Aᵀ.
        for j in 0..<cols { tPtr[j + 1] += tPtr[j] }
        var next = tPtr
        var tIdx = [Int32](repeating: 0, count: nnz)
        var tVal = [Float](repeating: 0, count: nnz)
        // Scatter A's entries in row order, so each row of Aᵀ is filled in increasing row index of A.
        tIdx.withUnsafeMutableBufferPointer { ti in
            tVal.withUnsafeMutableBufferPointer { tv in
                colIdx.withUnsafeBufferPointer { ci in
                    values.withUnsafeBufferPointer { vv in
                        for i in 0..<rows {
                            for p in rowPtr[i]..<rowPtr[i + 1] {
                                let j = Int(ci[p])
                                let q = next[j]
                                next[j] = q + 1
                                ti[q] = Int32(truncatingIfNeeded: i)
                                tv[q] = vv[p]
                            }
                        }
                    }
                }
            }
        }
        return SparseMatrix(trustedRows: cols, cols: rows, rowPtr: tPtr, colIdx: tIdx, values: tVal)
    }

    /// Builds without re-validating (the caller guarantees the CSR invariants).
    private init(trustedRows rows: Int, cols: Int, rowPtr: [Int], colIdx: [Int32], values: [Float]) {
        self.rows = rows
        self.cols = cols
        self.rowPtr = rowPtr
        self.colIdx = colIdx
        self.values = values
    }

    // MARK: Sparse × dense

    /// C = A·B for a dense row-major B (`cols × l`), as a new row-major `rows × l` matrix.
    public func multiply(_ b: DenseMatrix) -> DenseMatrix {
        precondition(b.rows == cols, "SparseMatrix.multiply: B is \(b.rows)×\(b.cols), expected \(cols) rows")
        var c = DenseMatrix(rows: rows, cols: b.cols)
        product(.gather, b: b, bColumnMajor: false, into: &c, cColumnMajor: false)
        return c
    }

    /// C = Aᵀ·B for a dense row-major B (`rows × l`), as a new row-major `cols × l` matrix, without
    /// forming Aᵀ.
    public func multiplyTransposed(_ b: DenseMatrix) -> DenseMatrix {
        precondition(b.rows == rows, "SparseMatrix.multiplyTransposed: B is \(b.rows)×\(b.cols), expected \(rows) rows")
        var c = DenseMatrix(rows: cols, cols: b.cols)
        product(.scatter, b: b, bColumnMajor: false, into: &c, cColumnMajor: false)
        return c
    }

    /// C = A·B with B and C stored COLUMN-MAJOR, as LAPACK wants them: a column-major p×l matrix X is
    /// held in the row-major `DenseMatrix` Xᵀ (l×p). So `bT` is Bᵀ (l × cols) and `cT` receives Cᵀ
    /// (l × rows); `cT`'s storage is reused when it has the right size.
    public func multiply(columnMajor bT: DenseMatrix, into cT: inout DenseMatrix) {
        precondition(bT.cols == cols, "SparseMatrix.multiply: Bᵀ is \(bT.rows)×\(bT.cols), expected \(cols) columns")
        prepare(&cT, rows: bT.rows, cols: rows)
        product(.gather, b: bT, bColumnMajor: true, into: &cT, cColumnMajor: true)
    }

    /// C = Aᵀ·B with B and C stored column-major (see `multiply(columnMajor:into:)`): `bT` is Bᵀ
    /// (l × rows), `cT` receives Cᵀ (l × cols).
    public func multiplyTransposed(columnMajor bT: DenseMatrix, into cT: inout DenseMatrix) {
        precondition(bT.cols == rows, "SparseMatrix.multiplyTransposed: Bᵀ is \(bT.rows)×\(bT.cols), expected \(rows) columns")
        prepare(&cT, rows: bT.rows, cols: cols)
        product(.scatter, b: bT, bColumnMajor: true, into: &cT, cColumnMajor: true)
    }

    /// Z' = Aᵀ·(A·Z) with Z and Z' stored column-major (see `multiply(columnMajor:into:)`): `zT` is Zᵀ
    /// (l × cols), `outT` receives Z'ᵀ (l × cols). Bit-identical to `multiply(columnMajor:into:)` followed
    /// by `multiplyTransposed(columnMajor:into:)`, without the rows × l intermediate A·Z: each task makes
    /// one pass over A per slice of 16 columns, forming a row's (A·Z)[i, slice] in registers and adding it
    /// at once to the rows of Z' the row's entries name (`papersearch_gram16`). The Gram operator of the
    /// randomized SVD's power and Krylov steps when the terms are the short side.
    public func multiplyGram(columnMajor zT: DenseMatrix, into outT: inout DenseMatrix) {
        precondition(zT.cols == cols, "SparseMatrix.multiplyGram: Zᵀ is \(zT.rows)×\(zT.cols), expected \(cols) columns")
        prepare(&outT, rows: zT.rows, cols: cols)
        product(.gram, b: zT, bColumnMajor: true, into: &outT, cColumnMajor: true)
    }

    /// Reshapes `c` to rows×cols, keeping its storage when the element count matches.
    private func prepare(_ c: inout DenseMatrix, rows: Int, cols: Int) {
        if c.rows * c.cols == rows * cols {
            c.reshape(rows: rows, cols: cols)
        } else {
            c = DenseMatrix(rows: rows, cols: cols)
        }
    }

    /// Width of the column slices of B and C processed by one task (see `product`): one panel row is one
    /// 64-byte cache line and two AVX registers. Measured on the arXiv sample's 105,720 × 59,261 matrix
    /// with l = 320 (2 cores, AVX2 kernels, best of 5): 8 columns 0.23 s, 16 columns 0.16 s, 32 columns
    /// 0.15 s per gather product — 16 keeps the panels small (two 3.8 MB panels per task in the Gram
    /// product) for the same speed.
    static let sliceWidth = 16

    /// The product kernel (Gustavson-style row-by-row CSR products, blocked over the dense columns).
    ///
    /// The l dense columns are cut into slices of `sliceWidth` (16) columns, one parallel task each
    /// (`DispatchQueue.concurrentPerform`, so the work is spread over `ProcessInfo.activeProcessorCount`
    /// threads in equal pieces: every slice costs one pass over A). A task packs its slice of the dense
    /// operand that is indexed by A's COLUMNS into a private contiguous panel of cols(A) × 16 floats
    /// (4 MB for 62,000 terms, huge-page backed), which stays in cache while A is streamed once in order:
    ///
    /// - A·B (gather): for each row i of A, C[i, slice] = Σₚ values[p] · P[colIdx[p]], accumulated in
    ///   SIMD registers over the row's entries, then stored via a small tile (`papersearch_gather16`).
    /// - Aᵀ·B (scatter): for each row i of A, with B[i, slice] in registers, P[colIdx[p]] += values[p] ·
    ///   B[i, slice]; the panel is then written out as C[:, slice]. Aᵀ is never formed, and the panel
    ///   is indexed by term, which Zipf's law keeps hot in cache (indexing by document, as a product
    ///   with a transposed CSR does, has no such locality; it measured 1.5–2× slower)
    ///   (`papersearch_scatter16`).
    ///
    /// The 16-column inner loops are C (`CSparseKernels`: AVX2 + FMA when the CPU has them, chosen at run
    /// time, with software prefetch of the panel rows ahead); a narrower last slice runs the scalar loops
    /// below, which perform the same operations.
    ///
    /// Every element of C is a sum over the entries of one row (A·B) or one column (Aᵀ·B) of A taken in
    /// CSR order (increasing row index for Aᵀ·B), starting from 0, computed by exactly one task: the
    /// result is bit-for-bit the same for any thread count and for both layouts, and
    /// `multiplyTransposed(b)` equals `transposed().multiply(b)` exactly.
    ///
    /// `kind` picks the slice kernel: `.gather` C = A·B, `.scatter` C = Aᵀ·B, `.gram` C = Aᵀ·(A·B)
    /// (`multiplyGram`; B and C column-major).
    private func product(_ kind: SliceKernel, b: DenseMatrix, bColumnMajor: Bool,
                         into c: inout DenseMatrix, cColumnMajor: Bool) {
        // l: dense columns; p: rows of the dense operand indexed by A's columns (cols of A) or rows.
        let l = bColumnMajor ? b.rows : b.cols
        let outRows = kind == .gather ? rows : cols
        if l == 0 || outRows == 0 { return }
        let width = SparseMatrix.sliceWidth
        let slices = (l + width - 1) / width
        rowPtr.withUnsafeBufferPointer { rp in
            colIdx.withUnsafeBufferPointer { ci in
                values.withUnsafeBufferPointer { vv in
                    b.storage.withUnsafeBufferPointer { bb in
                        c.storage.withUnsafeMutableBufferPointer { cc in
                            guard let cp = cc.baseAddress else { return }
                            guard let rpp = rp.baseAddress, let cip = ci.baseAddress, let vvp = vv.baseAddress,
                                  let bp = bb.baseAddress else {
                                // No entries (or an empty B): C = 0.
                                cp.update(repeating: 0, count: cc.count)
                                return
                            }
                            let k = ProductKernel(
                                rowPtr: rpp, colIdx: cip, values: vvp, rows: rows, cols: cols,
                                b: bp, bColumnMajor: bColumnMajor, c: cp, cColumnMajor: cColumnMajor, l: l)
                            ParallelChunks.forEach(chunks: slices) { slice in
                                let start = slice * width
                                let w = min(width, l - start)
                                switch kind {
                                case .gather: k.gatherSlice(start: start, width: w)
                                case .scatter: k.scatterSlice(start: start, width: w)
                                case .gram: k.gramSlice(start: start, width: w)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The slice kernels of `SparseMatrix.product`.
private enum SliceKernel {
    /// C = A·B.
    case gather
    /// C = Aᵀ·B.
    case scatter
    /// C = Aᵀ·(A·B).
    case gram
}

/// Raw pointers of one sparse × dense product, shared read-only by the tasks; each task writes only
/// its own slice of columns of C.
///
/// Dense operand addressing: a row-major X (p × l) has X[r, t] at `x[r * l + t]`; a column-major one
/// (stored as Xᵀ, l × p) at `x[t * p + r]`.
private struct ProductKernel: @unchecked Sendable {
    let rowPtr: UnsafePointer<Int>
    let colIdx: UnsafePointer<Int32>
    let values: UnsafePointer<Float>
    /// Shape of A.
    let rows: Int, cols: Int
    let b: UnsafePointer<Float>
    let bColumnMajor: Bool
    let c: UnsafeMutablePointer<Float>
    let cColumnMajor: Bool
    /// Number of dense columns.
    let l: Int

    /// Rows of A handled per tile when a column-major operand is transposed through a small buffer.
    static let tileRows = 64

    /// Copies X[r, start..<start+w] for r in 0..<count (X with `p` rows, stored as described above)
    /// into `dst` as a row-major count × w block.
    private func pack(_ x: UnsafePointer<Float>, columnMajor: Bool, p: Int, start: Int, width w: Int,
                      rowsFrom r0: Int, count: Int, into dst: UnsafeMutablePointer<Float>) {
        if columnMajor {
            for t in 0..<w {
                let src = x + (start + t) * p + r0
                for r in 0..<count { dst[r * w + t] = src[r] }
            }
        } else {
            for r in 0..<count { (dst + r * w).update(from: x + (r0 + r) * l + start, count: w) }
        }
    }

    /// Writes the row-major count × w block `src` to C[r0 ..< r0+count, start ..< start+w]
    /// (C with `p` rows).
    private func unpack(_ src: UnsafePointer<Float>, p: Int, start: Int, width w: Int, rowsFrom r0: Int, count: Int) {
        if cColumnMajor {
            for t in 0..<w {
                let dst = c + (start + t) * p + r0
                for r in 0..<count { dst[r] = src[r * w + t] }
            }
        } else {
            for r in 0..<count { (c + (r0 + r) * l + start).update(from: src + r * w, count: w) }
        }
    }

    /// B[:, slice] packed into a new contiguous cols × w panel (B indexed by A's columns: A·B, Aᵀ·(A·B)).
    private func packColumnPanel(start: Int, width w: Int) -> PackedPanel {
        let panel = PackedPanel(count: cols * w)
        let tileRows = ProductKernel.tileRows
        var r0 = 0
        while r0 < cols {
            let n = min(tileRows, cols - r0)
            pack(b, columnMajor: bColumnMajor, p: cols, start: start, width: w, rowsFrom: r0, count: n,
                 into: panel.pointer + r0 * w)
            r0 += n
        }
        return panel
    }

    /// C[:, slice] = the cols × w panel `z` (C indexed by A's columns: Aᵀ·B, Aᵀ·(A·B)).
    private func writeColumnPanel(_ z: UnsafePointer<Float>, start: Int, width w: Int) {
        let tileRows = ProductKernel.tileRows
        var r0 = 0
        while r0 < cols {
            let n = min(tileRows, cols - r0)
            unpack(z + r0 * w, p: cols, start: start, width: w, rowsFrom: r0, count: n)
            r0 += n
        }
    }

    /// Scalar form of the gather for a slice narrower than 16: y[t] = Σ v · P[j, t] over row i of A, in
    /// CSR order.
    private func gatherRow(_ i: Int, panel p: UnsafePointer<Float>, width w: Int, into y: UnsafeMutablePointer<Float>) {
        let lo = rowPtr[i], hi = rowPtr[i + 1]
        for t in 0..<w {
            var s: Float = 0
            for q in lo..<hi { s += values[q] * p[Int(colIdx[q]) * w + t] }
            y[t] = s
        }
    }

    /// Scalar form of the scatter for a slice narrower than 16: Z[j, :] += v · y for each entry (i, j, v)
    /// of row i of A, in CSR order.
    private func scatterRow(_ i: Int, _ y: UnsafePointer<Float>, width w: Int, into z: UnsafeMutablePointer<Float>) {
        for q in rowPtr[i]..<rowPtr[i + 1] {
            let v = values[q]
            let zj = z + Int(colIdx[q]) * w
            for t in 0..<w { zj[t] += v * y[t] }
        }
    }

    /// C[:, slice] = A·B[:, slice] (C has `rows` rows, B has `cols`).
    func gatherSlice(start: Int, width w: Int) {
        let panel = packColumnPanel(start: start, width: w)
        defer { panel.free() }
        let p = UnsafePointer(panel.pointer)
        let tileRows = ProductKernel.tileRows
        let tile = UnsafeMutablePointer<Float>.allocate(capacity: tileRows * w)
        defer { tile.deallocate() }
        var i0 = 0
        while i0 < rows {
            let n = min(tileRows, rows - i0)
            if w == 16 {
                // C[i, slice] = Σ v · P[j, :] for the tile's rows, in CSR order (`CSparseKernels`).
                papersearch_gather16(rowPtr, colIdx, values, rowPtr[rows], i0, i0 + n, p, tile)
            } else {
                for ii in 0..<n { gatherRow(i0 + ii, panel: p, width: w, into: tile + ii * w) }
            }
            unpack(tile, p: rows, start: start, width: w, rowsFrom: i0, count: n)
            i0 += n
        }
    }

    /// C[:, slice] = Aᵀ·(A·B[:, slice]) (B and C column-major with `cols` rows): `multiplyGram`.
    func gramSlice(start: Int, width w: Int) {
        // P = B[:, slice] packed; the panel Z accumulates C[:, slice] (both cols × w).
        let panel = packColumnPanel(start: start, width: w)
        defer { panel.free() }
        let out = PackedPanel(count: cols * w)
        defer { out.free() }
        let p = UnsafePointer(panel.pointer)
        let z = out.pointer
        z.update(repeating: 0, count: cols * w)
        if w == 16 {
            papersearch_gram16(rowPtr, colIdx, values, rowPtr[rows], 0, rows, p, z)
        } else {
            // Narrow last slice: the same operations as gatherSlice then scatterSlice, row by row.
            let y = UnsafeMutablePointer<Float>.allocate(capacity: w)
            defer { y.deallocate() }
            for i in 0..<rows {
                gatherRow(i, panel: p, width: w, into: y)
                scatterRow(i, y, width: w, into: z)
            }
        }
        writeColumnPanel(z, start: start, width: w)
    }

    /// C[:, slice] = Aᵀ·B[:, slice] (C has `cols` rows, B has `rows`).
    func scatterSlice(start: Int, width w: Int) {
        // The panel accumulates C[:, slice] as a contiguous cols × w block.
        let panel = PackedPanel(count: cols * w)
        defer { panel.free() }
        let z = panel.pointer
        z.update(repeating: 0, count: cols * w)
        let tileRows = ProductKernel.tileRows
        let tile = UnsafeMutablePointer<Float>.allocate(capacity: tileRows * w)
        defer { tile.deallocate() }
        var i0 = 0
        while i0 < rows {
            let n = min(tileRows, rows - i0)
            // B[i0..<i0+n, slice] as a row-major n × w tile.
            pack(b, columnMajor: bColumnMajor, p: rows, start: start, width: w, rowsFrom: i0, count: n, into: tile)
            if w == 16 {
                // P[j, :] += v · B[i, slice] for each entry (i, j, v) of the tile's rows (`CSparseKernels`).
                papersearch_scatter16(rowPtr, colIdx, values, rowPtr[rows], i0, i0 + n, tile, z)
            } else {
                for ii in 0..<n { scatterRow(i0 + ii, tile + ii * w, width: w, into: z) }
            }
            i0 += n
        }
        writeColumnPanel(z, start: start, width: w)
    }
}

/// A 2 MiB-aligned float buffer advised to use transparent huge pages, so the random row accesses of
/// the product kernels do not miss the TLB on every entry.
private struct PackedPanel {
    let pointer: UnsafeMutablePointer<Float>

    init(count: Int) {
        let hugePage = 2 << 20
        let bytes = max(hugePage, (count * 4 + hugePage - 1) / hugePage * hugePage)
        var raw: UnsafeMutableRawPointer?
        if posix_memalign(&raw, hugePage, bytes) != 0 {
            raw = nil
        }
        guard let p = raw else {
            preconditionFailure("SparseMatrix: cannot allocate a \(bytes)-byte product panel")
        }
        #if os(Linux)
        // A hint: huge pages if transparent huge pages are enabled ("madvise" or "always"), else nothing.
        _ = madvise(p, bytes, MADV_HUGEPAGE)
        #endif
        pointer = p.bindMemory(to: Float.self, capacity: bytes / 4)
    }

    func free() { Foundation.free(UnsafeMutableRawPointer(pointer)) }
}
