/// A dense float32 matrix stored row-major: element (i, j) is `storage[i * cols + j]`.
///
/// Deliberately minimal: the heavy operations live in `BLAS`, `LAPACK`, `SparseMatrix` and
/// `RandomizedSVD`, which work on `storage` through raw pointers.
public struct DenseMatrix: Sendable, Equatable {
    /// Number of rows.
    public private(set) var rows: Int
    /// Number of columns (the row stride of `storage`).
    public private(set) var cols: Int
    /// Row-major elements, `rows * cols` of them.
    public var storage: [Float]

    /// A `rows × cols` matrix of zeros.
    public init(rows: Int, cols: Int) {
        precondition(rows >= 0 && cols >= 0, "DenseMatrix: negative shape \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        self.storage = [Float](repeating: 0, count: rows * cols)
    }

    /// A `rows × cols` matrix over existing row-major `storage` (`storage.count == rows * cols`).
    public init(rows: Int, cols: Int, storage: [Float]) {
        precondition(rows >= 0 && cols >= 0, "DenseMatrix: negative shape \(rows)×\(cols)")
        precondition(storage.count == rows * cols,
                     "DenseMatrix: \(storage.count) elements for a \(rows)×\(cols) matrix, expected \(rows * cols)")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// A `rows × cols` matrix whose row-major storage is written by `initializer` (it receives the
    /// uninitialized buffer of `rows * cols` floats and must set every element).
    public init(rows: Int, cols: Int,
                unsafeUninitializedStorage initializer: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        precondition(rows >= 0 && cols >= 0, "DenseMatrix: negative shape \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        self.storage = try [Float](unsafeUninitializedCapacity: rows * cols) { buffer, count in
            try initializer(buffer)
            count = rows * cols
        }
    }

    /// Element (i, j).
    public subscript(row: Int, col: Int) -> Float {
        get { storage[row * cols + col] }
        set { storage[row * cols + col] = newValue }
    }

    /// Row `i` as a new array.
    public func row(_ i: Int) -> [Float] {
        Array(storage[(i * cols)..<((i + 1) * cols)])
    }

    /// Column `j` as a new array.
    public func column(_ j: Int) -> [Float] {
        (0..<rows).map { storage[$0 * cols + j] }
    }

    /// The transpose, as a new matrix (copied in 32×32 tiles so both sides stay in cache).
    public func transposed() -> DenseMatrix {
        let m = rows, n = cols
        return DenseMatrix(rows: n, cols: m) { out in
            storage.withUnsafeBufferPointer { src in
                let tile = 32
                for i0 in stride(from: 0, to: m, by: tile) {
                    for j0 in stride(from: 0, to: n, by: tile) {
                        for i in i0..<min(i0 + tile, m) {
                            for j in j0..<min(j0 + tile, n) {
                                out[j * m + i] = src[i * n + j]
                            }
                        }
                    }
                }
            }
        }
    }

    /// Keeps only the first `count` rows (in place, no copy).
    public mutating func keepLeadingRows(_ count: Int) {
        precondition(count >= 0 && count <= rows, "DenseMatrix: \(count) leading rows of \(rows)")
        storage.removeLast((rows - count) * cols)
        rows = count
    }

    /// Appends the rows of `other` (same number of columns) below the existing ones.
    public mutating func appendRows(of other: DenseMatrix) {
        precondition(other.cols == cols, "DenseMatrix: cannot append \(other.rows)×\(other.cols) rows to \(rows)×\(cols)")
        storage.append(contentsOf: other.storage)
        rows += other.rows
    }

    /// The leading `count` columns, as a new `rows × count` matrix.
    public func leadingColumns(_ count: Int) -> DenseMatrix {
        precondition(count >= 0 && count <= cols, "DenseMatrix: \(count) leading columns of \(cols)")
        if count == cols { return self }
        return DenseMatrix(rows: rows, cols: count) { out in
            storage.withUnsafeBufferPointer { src in
                for i in 0..<rows {
                    for j in 0..<count {
                        out[i * count + j] = src[i * cols + j]
                    }
                }
            }
        }
    }

    /// Reinterprets the same row-major storage as a `rows × cols` matrix (`rows * cols` must equal the
    /// element count). A row-major m×n matrix reinterpreted as n×m is NOT its transpose; this exists for
    /// the layout tricks documented in `LAPACK`.
    public mutating func reshape(rows: Int, cols: Int) {
        precondition(rows >= 0 && cols >= 0 && rows * cols == storage.count,
                     "DenseMatrix: cannot reshape \(self.rows)×\(self.cols) to \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
    }
}
