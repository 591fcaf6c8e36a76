import GRDB

/// Inserts postings rows (`replaceModel`'s segment 0, `add`'s later segments) packed
/// (`PackedPostings`, format 1), or as 8-byte pairs (format 0) in the one case the packed form
/// cannot hold: rows that do not strictly ascend.
final class PostingsWriter {
    private let insert: RawStatement
    /// The encoding buffer, reused for every list.
    private var packed: [UInt8] = []

    init(_ db: Database) throws {
        insert = try RawStatement(db, sql: "INSERT INTO postings (term_id, segment, format, entries) VALUES (?, ?, ?, ?)")
        packed.reserveCapacity(1 << 16)
    }

    /// One list: `entries` are (row, Float32 bit pattern) pairs, each row plus `rowOffset`.
    func insert(termID: Int, segment: Int, entries: UnsafeBufferPointer<UInt32>, rowOffset: UInt32 = 0) throws {
        if PackedPostings.encode(entries, rowOffset: rowOffset, into: &packed) {
            try packed.withUnsafeBytes { try insertRow(termID, segment, PackedPostings.packedFormat, $0) }
        } else {
            var pairs = Array(entries)
            for i in stride(from: 0, to: pairs.count, by: 2) { pairs[i] &+= rowOffset }
            try pairs.withUnsafeBytes { try insertRow(termID, segment, PackedPostings.rawFormat, $0) }
        }
    }

    private func insertRow(_ termID: Int, _ segment: Int, _ format: Int, _ bytes: UnsafeRawBufferPointer) throws {
        try insert.execute { b in
            b.bind(1, termID)
            b.bind(2, segment)
            b.bind(3, format)
            b.bind(4, blob: bytes)
        }
    }
}
