import Foundation
import Core
import NumericKernels

/// A complete model as the indexer hands it to the store (see `Schema.createModelTables`).
package struct ModelArtifacts {
    var metadata: ModelMetadata
    var singularValues: [Float]
    /// Vocabulary by term id (alphabetical).
    var terms: [String]
    var df: [Int32]
    /// TF-IDF column of each term, -1 when pruned.
    var column: [Int32]
    /// idf per column.
    var idf: [Float]
    /// V_k, columns x k row-major: row c is the projection of the term in column c.
    var projection: DenseMatrix
    /// Postings per term id: `entries[2*postingOffsets[t] ..< 2*postingOffsets[t+1]]` holds
    /// (document row, Float32 bit pattern of the weighted tf) pairs.
    var postingOffsets: [Int]
    var postingEntries: [UInt32]
    /// Per document row (fit order).
    var pids: [Int64]
    var embeddings: [Float]
    var lengths: [Float]
    var norms: [Float]

    package init(metadata: ModelMetadata, singularValues: [Float], terms: [String], df: [Int32], column: [Int32], idf: [Float], projection: DenseMatrix, postingOffsets: [Int], postingEntries: [UInt32], pids: [Int64], embeddings: [Float], lengths: [Float], norms: [Float]) {
        self.metadata = metadata
        self.singularValues = singularValues
        self.terms = terms
        self.df = df
        self.column = column
        self.idf = idf
        self.projection = projection
        self.postingOffsets = postingOffsets
        self.postingEntries = postingEntries
        self.pids = pids
        self.embeddings = embeddings
        self.lengths = lengths
        self.norms = norms
    }
}

extension Array where Element: BitwiseCopyable {
    /// The elements' bytes (little-endian on every platform we run on).
    var blob: Data { withUnsafeBytes { Data($0) } }
}

extension ArraySlice where Element: BitwiseCopyable {
    var blob: Data { withUnsafeBytes { Data($0) } }
}
