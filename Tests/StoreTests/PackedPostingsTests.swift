import Foundation
import GRDB
import XCTest
@testable import NumericKernels
@testable import Store


/// The packed postings format round-trips every entry exactly; lists it cannot hold, and rows
/// written before the format existed, are still read; the raw binding keeps '' apart from NULL.
final class PackedPostingsTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ps-packed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func roundTrip(_ pairs: [UInt32], rowOffset: UInt32 = 0) -> [(row: Int, tf: Float)]? {
        var bytes: [UInt8] = []
        let ok = pairs.withUnsafeBufferPointer { PackedPostings.encode($0, rowOffset: rowOffset, into: &bytes) }
        guard ok else { return nil }
        var out: [(row: Int, tf: Float)] = []
        XCTAssertTrue(bytes.withUnsafeBytes { PackedPostings.decode($0, into: &out) })
        return out
    }

    func testEveryWeightBitPatternRoundTrips() throws {
        var rng = SeededRandom(seed: 11)
        var weights: [Float] = [1, 2, 3, 127, 128, 16_777_216, 16_777_218, 0.5, 1.5, 0, -0.0, -1, -2,
                                .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        for _ in 0..<500 { weights.append(Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))) }
        var pairs: [UInt32] = []
        var row: UInt32 = 0
        for (i, w) in weights.enumerated() {
            row += UInt32(i % 7 == 0 ? 100_000 : i % 3)  // gaps of 0 (consecutive rows) up to 3-byte varints
            pairs += [row, w.bitPattern]
            row += 1
        }
        let decoded = try XCTUnwrap(roundTrip(pairs, rowOffset: 5))
        XCTAssertEqual(decoded.count, weights.count)
        for (i, entry) in decoded.enumerated() {
            XCTAssertEqual(entry.row, Int(pairs[2 * i]) + 5)
            XCTAssertEqual(entry.tf.bitPattern, weights[i].bitPattern, "entry \(i)")
        }
    }

    func testUnitWeightsTakeOneByteAndEmptyListsNothing() throws {
        var bytes: [UInt8] = [9]
        let pairs: [UInt32] = (0..<100).flatMap { [UInt32($0), Float(1).bitPattern] }
        XCTAssertTrue(pairs.withUnsafeBufferPointer { PackedPostings.encode($0, into: &bytes) })
        XCTAssertEqual(bytes.count, 100)
        XCTAssertTrue([UInt32]().withUnsafeBufferPointer { PackedPostings.encode($0, into: &bytes) })
        XCTAssertEqual(bytes, [])
        XCTAssertEqual(roundTrip([])?.count, 0)
    }

    func testRowsThatDoNotAscendAreRefusedAndDamagedBytesDetected() {
        XCTAssertNil(roundTrip([5, Float(1).bitPattern, 5, Float(1).bitPattern]))
        XCTAssertNil(roundTrip([5, Float(1).bitPattern, 4, Float(1).bitPattern]))
        var out: [(row: Int, tf: Float)] = []
        for damaged: [UInt8] in [[0x80], [0x01], [0x01, 0x00, 0x01], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]] {
            XCTAssertFalse(damaged.withUnsafeBytes { PackedPostings.decode($0, into: &out) }, "\(damaged)")
        }
    }

    func testPostingsOfEitherFormatAreRead() throws {
        let store = try PaperStore.open(StoreLocation(explicit: directory.appendingPathComponent("p.sqlite").path))
        let pairs: [UInt32] = [3, Float(1).bitPattern, 9, Float(2.5).bitPattern]
        try store.write { db in
            // A row as written before `v4-postings-format` (the column's default, 0).
            try db.execute(
                sql: "INSERT INTO postings (term_id, segment, entries) VALUES (7, 0, ?)",
                arguments: [pairs.withUnsafeBytes { Data($0) }])
            let writer = try PostingsWriter(db)
            try pairs.withUnsafeBufferPointer { try writer.insert(termID: 7, segment: 1, entries: $0, rowOffset: 10) }
            // Not ascending: stored as pairs.
            let unsorted: [UInt32] = [40, Float(1).bitPattern, 30, Float(3).bitPattern]
            try unsorted.withUnsafeBufferPointer { try writer.insert(termID: 7, segment: 2, entries: $0) }
        }
        let formats = try store.read { db in
            try Int.fetchAll(db, sql: "SELECT format FROM postings WHERE term_id = 7 ORDER BY segment")
        }
        XCTAssertEqual(formats, [PackedPostings.rawFormat, PackedPostings.packedFormat, PackedPostings.rawFormat])
        let list = try store.read { db in try ModelReader.postings(db, termID: 7) }
        XCTAssertEqual(list.map(\.row), [3, 9, 13, 19, 40, 30])
        XCTAssertEqual(list.map(\.tf), [1, 2.5, 1, 2.5, 1, 3])

        try store.write { db in try db.execute(sql: "UPDATE postings SET entries = x'80' WHERE segment = 1") }
        XCTAssertThrowsError(try store.read { db in try ModelReader.postings(db, termID: 7) })
    }

    func testRawBindingKeepsEmptyTextAndBlobApartFromNull() throws {
        let store = try PaperStore.open(StoreLocation(explicit: directory.appendingPathComponent("r.sqlite").path))
        let row = try store.write { db -> Row? in
            try db.execute(sql: "CREATE TEMP TABLE t (a, b, c, d)")
            let insert = try RawStatement(db, sql: "INSERT INTO t VALUES (?, ?, ?, ?)")
            try insert.execute { b in
                b.bind(1, "")
                b.bind(2, blob: UnsafeRawBufferPointer(start: nil, count: 0))
                b.bind(3, nil as String?)
                b.bind(4, "héllo\u{0}x")
            }
            return try Row.fetchOne(db, sql: "SELECT typeof(a), typeof(b), typeof(c), length(CAST(d AS BLOB)) FROM t")
        }
        XCTAssertEqual(row?[0] as String?, "text")
        XCTAssertEqual(row?[1] as String?, "blob")
        XCTAssertEqual(row?[2] as String?, "null")
        XCTAssertEqual(row?[3] as Int?, 8)
    }

    func testFastRoundingGivesTheCodesOfRounded() {
        var rng = SeededRandom(seed: 3)
        let k = 16
        var e = (0..<(k * 200)).map { _ in Float(rng.nextGaussian()) }
        // Exact halves after scaling: row 0's peak is 127 units, so e = n + 0.5 lands on .5.
        for j in 0..<k { e[j] = j == 0 ? 127 : Float(j % 5) - 2.5 }
        let (scales, codes) = QuantizedEmbeddings.encode(e[...], k: k)
        for i in 0..<200 {
            for j in 0..<k {
                let expected = scales[i] > 0
                    ? Int8(max(-127, min(127, (e[i * k + j] * (1 / scales[i])).rounded()))) : 0
                XCTAssertEqual(codes[i * k + j], expected, "row \(i) col \(j)")
            }
        }
    }
}
