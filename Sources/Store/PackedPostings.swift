/// The compact encoding of a postings list (`postings.format` = 1, see `Schema.addPostingsFormat`).
///
/// Format 0, the original, stores each entry as 8 bytes: UInt32 document row, Float32 weighted
/// term frequency. On the arXiv sample that is 70 MB for 8.8M entries, a quarter of everything
/// `index` writes, and every byte is written twice (WAL, then the checkpoint). Rows ascend
/// within a list and three quarters of the weights are 1, so format 1 stores per entry one
/// LEB128 varint `gap << 1 | flag`, gap = row - previous row - 1 (the first row counts from
/// -1), and after flag 1 a weight other than 1: a varint w >= 1 for the integer weight w,
/// or 0 followed by the 4 little-endian bytes of the Float32. The sample's lists take 1.45
/// bytes per entry; any Float32 bit pattern round-trips exactly.
enum PackedPostings {
    /// Format numbers of the `postings.format` column.
    static let rawFormat = 0
    static let packedFormat = 1

    /// Largest integer weight stored as a varint (every integer up to 2^24 is an exact Float32).
    private static let maxIntegerWeight: Float = 16_777_216

    /// Encodes `entries` (pairs: row, Float32 bit pattern), each row plus `rowOffset`, into
    /// `out` (replacing its contents). Returns false, leaving `out` unspecified, when the rows
    /// do not strictly ascend (the caller then stores format 0).
    static func encode(_ entries: UnsafeBufferPointer<UInt32>, rowOffset: UInt32 = 0, into out: inout [UInt8]) -> Bool {
        out.removeAll(keepingCapacity: true)
        var previous: Int64 = -1
        var i = 0
        while i + 1 < entries.count {
            let row = Int64(entries[i]) + Int64(rowOffset)
            let bits = entries[i + 1]
            guard row > previous, row <= Int64(UInt32.max) else { return false }
            let gap = UInt64(row - previous - 1)
            previous = row
            if bits == Float(1).bitPattern {
                appendVarint(gap << 1, to: &out)
            } else {
                appendVarint(gap << 1 | 1, to: &out)
                let weight = Float(bitPattern: bits)
                if weight >= 1, weight <= maxIntegerWeight, Float(UInt32(weight)) == weight {
                    appendVarint(UInt64(weight), to: &out)
                } else {
                    out.append(0)
                    withUnsafeBytes(of: bits.littleEndian) { out.append(contentsOf: $0) }
                }
            }
            i += 2
        }
        return true
    }

    /// Appends the (row, weight) entries encoded in `bytes` to `result`; false when the bytes
    /// are not a well-formed list (a damaged file), so the caller can report it.
    static func decode(_ bytes: UnsafeRawBufferPointer, into result: inout [(row: Int, tf: Float)]) -> Bool {
        var position = 0
        var previous: Int64 = -1
        while position < bytes.count {
            guard let head = readVarint(bytes, &position) else { return false }
            let row = previous + 1 + Int64(head >> 1)
            guard row <= Int64(UInt32.max) else { return false }
            previous = row
            var weight: Float = 1
            if head & 1 == 1 {
                guard let value = readVarint(bytes, &position) else { return false }
                if value == 0 {
                    guard position + 4 <= bytes.count else { return false }
                    var bits: UInt32 = 0
                    for b in 0..<4 { bits |= UInt32(bytes[position + b]) << (8 * b) }
                    position += 4
                    weight = Float(bitPattern: bits)
                } else {
                    guard value <= UInt64(maxIntegerWeight) else { return false }
                    weight = Float(value)
                }
            }
            result.append((Int(row), weight))
        }
        return true
    }

    @inline(__always)
    private static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// Reads one varint of at most 5 bytes (35 bits: a gap of up to 2^32 shifted by one).
    @inline(__always)
    private static func readVarint(_ bytes: UnsafeRawBufferPointer, _ position: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count, shift < 35 {
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }
}
