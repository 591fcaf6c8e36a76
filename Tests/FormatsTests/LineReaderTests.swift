import Foundation
import XCTest
@testable import Core
@testable import Formats


final class LineReaderTests: XCTestCase {
    private func fixture(_ name: String) throws -> String {
        let base = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return base.appendingPathComponent("ingest").appendingPathComponent(name).path
    }

    private func allLines(_ path: String) throws -> [String] {
        let reader = try LineReader(path: path)
        var lines: [String] = []
        while let line = try reader.next() {
            XCTAssertEqual(line.number, lines.count + 1)
            lines.append(String(decoding: line.bytes, as: UTF8.self))
        }
        return lines
    }

    private func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("linereader-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    func testPlainAndGzipGiveTheSameLines() throws {
        let plain = try allLines(fixture("arxiv_sample.jsonl"))
        let gzipped = try allLines(fixture("arxiv_sample.jsonl.gz"))
        XCTAssertEqual(plain.count, 4)
        XCTAssertEqual(plain, gzipped)
        XCTAssertEqual(plain[1], "   ")
        XCTAssertFalse(try LineReader(path: fixture("arxiv_sample.jsonl")).isGzip)
        XCTAssertTrue(try LineReader(path: fixture("arxiv_sample.jsonl.gz")).isGzip)
    }

    func testCRLFAndMissingFinalNewline() throws {
        let lines = try allLines(fixture("crlf.jsonl"))
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(lines[0].hasSuffix("}"), "CR must be dropped: \(lines[0])")
        XCTAssertEqual(lines[1], "")
        XCTAssertTrue(lines[2].hasSuffix("\"At the end.\"}"))
    }

    func testMultiMemberGzip() throws {
        let lines = try allLines(fixture("multimember.jsonl.gz"))
        // 4 lines of the first member, 3 of the second (plus the newline added after it).
        XCTAssertEqual(lines.count, 7)
        XCTAssertTrue(lines[4].contains("2401.00031"))
        XCTAssertTrue(lines[6].contains("2401.00032"))
    }

    func testLinesAcrossManyChunks() throws {
        // 6 MB of text in 4,000 lines of varying length, gzip-compressed to 25 KB.
        let lines = try allLines(fixture("long_lines.txt.gz"))
        XCTAssertEqual(lines.count, 4000)
        for (index, line) in lines.enumerated() {
            let k = index + 1
            let expected = (k * 37) % 3000 + String(k).count
            if line.utf8.count != expected || !line.hasSuffix(String(k)) {
                XCTFail("line \(k) has length \(line.utf8.count), expected \(expected)")
                break
            }
        }
    }

    func testPlainFileLargerThanOneChunk() throws {
        var bytes: [UInt8] = []
        for k in 1...30000 { bytes += Array("line \(k) \(String(repeating: "y", count: k % 50))\n".utf8) }
        let path = try temporaryFile(bytes)
        let lines = try allLines(path)
        XCTAssertGreaterThan(bytes.count, LineReader.chunkSize * 3)
        XCTAssertEqual(lines.count, 30000)
        XCTAssertEqual(lines[29999], "line 30000 \(String(repeating: "y", count: 30000 % 50))")
    }

    func testByteOrderMarkIsSkipped() throws {
        let path = try temporaryFile([0xEF, 0xBB, 0xBF] + Array("first\nsecond".utf8))
        XCTAssertEqual(try allLines(path), ["first", "second"])
    }

    func testTruncatedGzip() throws {
        let reader = try LineReader(path: fixture("truncated.jsonl.gz"))
        var thrown: Error?
        do {
            while try reader.next() != nil {}
        } catch {
            thrown = error
        }
        guard case .truncatedGzip(let path, let reason)? = thrown as? PaperSearchError else {
            return XCTFail("expected truncatedGzip, got \(String(describing: thrown))")
        }
        XCTAssertTrue(path.hasSuffix("truncated.jsonl.gz"))
        XCTAssertTrue(reason.contains("unexpected end of file"), reason)
        // Final: the next call throws the same error.
        XCTAssertThrowsError(try reader.next()) { XCTAssertEqual($0 as? PaperSearchError, thrown as? PaperSearchError) }
    }

    func testCorruptGzip() throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture("long_lines.txt.gz"))))
        for i in 200..<260 { bytes[i] ^= 0x5A }
        let path = try temporaryFile(bytes)
        XCTAssertThrowsError(try allLines(path)) { error in
            guard case .truncatedGzip = error as? PaperSearchError else { return XCTFail("got \(error)") }
        }
    }

    func testTrailingGarbageAfterMember() throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture("arxiv_sample.jsonl.gz"))))
        bytes += Array("this is not gzip".utf8)
        let path = try temporaryFile(bytes)
        XCTAssertThrowsError(try allLines(path)) { error in
            guard case .truncatedGzip(_, let reason) = error as? PaperSearchError else { return XCTFail("got \(error)") }
            XCTAssertTrue(reason.contains("after gzip member"), reason)
        }
    }

    func testMissingFileAndDirectory() throws {
        XCTAssertThrowsError(try LineReader(path: "/nonexistent/papers.jsonl")) {
            XCTAssertEqual($0 as? PaperSearchError, .fileNotFound(path: "/nonexistent/papers.jsonl"))
        }
        let directory = FileManager.default.temporaryDirectory.path
        XCTAssertThrowsError(try LineReader(path: directory)) { error in
            guard case .unreadableFile(let path, let reason)? = error as? PaperSearchError else {
                return XCTFail("got \(error)")
            }
            XCTAssertEqual(path, directory)
            XCTAssertTrue(reason.contains("directory"), reason)
        }
    }

    func testOverlongLineIsSkipped() throws {
        let path = try temporaryFile(Array("short\n\(String(repeating: "z", count: 5000))\nafter\n".utf8))
        let reader = try LineReader(path: path, maxLineLength: 1000)
        XCTAssertEqual(try reader.next().map { String(decoding: $0.bytes, as: UTF8.self) }, "short")
        XCTAssertThrowsError(try reader.next()) { error in
            guard case .malformedRecord(_, let line, let reason)? = error as? PaperSearchError else {
                return XCTFail("got \(error)")
            }
            XCTAssertEqual(line, 2)
            XCTAssertTrue(reason.contains("longer than 1000 bytes"), reason)
        }
        let after = try XCTUnwrap(try reader.next())
        XCTAssertEqual(String(decoding: after.bytes, as: UTF8.self), "after")
        XCTAssertEqual(after.number, 3)
        XCTAssertNil(try reader.next())
    }
}
