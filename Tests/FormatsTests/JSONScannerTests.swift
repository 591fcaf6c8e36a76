import Foundation
import XCTest
@testable import Core
@testable import Formats


/// `JSONScanner` must agree with `JSONSerialization` wherever it answers, and hand everything
/// else (malformed JSON, duplicated keys, odd escapes) back to Foundation.
final class JSONScannerTests: XCTestCase {
    /// Foundation's reading of `text` as a `JSONValue` (nil when Foundation refuses it).
    private func foundation(_ text: String) -> JSONValue? {
        guard let any = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
            return nil
        }
        return JSONValue(foundation: any)
    }

    private func scan(_ text: String) -> JSONValue? {
        Array(text.utf8).withUnsafeBufferPointer { JSONScanner.parseObject($0) }
    }

    /// Structural equality, with object members compared as sets (Foundation has no key order).
    private func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y && Array(x.utf8) == Array(y.utf8)
        case (.number(let x), .number(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { member in b[member.key].map { same(member.value, $0) } ?? false }
        default: return false
        }
    }

    func testAgreesWithFoundationOnValidRecords() throws {
        let lines = [
            #"{"id": "0909.0635", "version": 1, "title": "A \"quoted\" title", "categories": ["cs.LG", "cs.IT"]}"#,
            #"{"a":-0,"b":12.50,"c":1e3,"d":-2.5E-3,"e":123456789012345678,"f":true,"g":false,"h":null}"#,
            #"{"esc": "tab\there\nnewline \\ back \/ slash \u00e9 \u4e2d \ud83d\ude00 \b\f\r"}"#,
            #"{"nested": {"versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}], "x": [[], {}]}}"#,
            " \t{\"raw\": \"caf\u{e9} \u{4e2d}\u{6587} \u{1F600}\"}  ",
            "{}",
        ]
        for line in lines {
            let fast = try XCTUnwrap(scan(line), line)
            let slow = try XCTUnwrap(foundation(line), line)
            XCTAssertTrue(same(fast, slow), "\(line): \(fast) vs \(slow)")
        }
    }

    func testKeepsFileOrderAndKinds() throws {
        let value = try XCTUnwrap(scan(#"{"b": 1, "a": [true], "c": {"d": null}}"#))
        guard case .object(let members) = value else { return XCTFail("\(value)") }
        XCTAssertEqual(members.map(\.key), ["b", "a", "c"])
        XCTAssertEqual(members.map(\.value.kind), ["a number", "a list", "an object"])
        XCTAssertEqual(value["c"]?["d"]?.kind, "null")
    }

    func testLeavesEverythingElseToFoundation() {
        let handedBack = [
            "", "[1, 2]", "\"text\"", "42",
            #"{"id": "x",, "title": "y"}"#, #"{"id": "x""#, #"{"id": "x"} trailing"#,
            #"{"a": 01}"#, #"{"a": 1.}"#, #"{"a": .5}"#, #"{"a": -}"#, #"{"a": 1e}"#, #"{"a": 1e999}"#,
            #"{"a": tru}"#, #"{"a": "\x"}"#, #"{"a": "\u12"}"#, #"{"a": "\ud800"}"#, #"{"a": "\udc00\ud800"}"#,
            #"{"a": "\u0000"}"#, "{\"a\": \"raw\tcontrol\"}", #"{"a": 1, "a": 2}"#, #"{"a": [1,]}"#, #"{"a": 1,}"#,
            String(repeating: "{\"a\":", count: 70) + "1" + String(repeating: "}", count: 70),
        ]
        for text in handedBack {
            XCTAssertNil(scan(text), text)
        }
    }

    func testRecordErrorsKeepFoundationWording() throws {
        let record = try JSONRecord(
            bytes: Array(#"{"id": "2401.00001", "version": "2", "tags": ["a", 3], "n": 2.0, "t": true}"#.utf8),
            path: "f.jsonl", line: 7)
        XCTAssertEqual(try record.int("n"), 2)
        XCTAssertThrowsError(try record.int("version")) { error in
            XCTAssertEqual(
                (error as? PaperSearchError)?.description, "f.jsonl:7: field 'version' must be an integer, found a string")
        }
        XCTAssertThrowsError(try record.int("t")) { error in
            XCTAssertEqual(
                (error as? PaperSearchError)?.description, "f.jsonl:7: field 't' must be an integer, found true/false")
        }
        XCTAssertThrowsError(try record.stringList("tags", splitString: false)) { error in
            XCTAssertEqual(
                (error as? PaperSearchError)?.description, "f.jsonl:7: field 'tags' must be a list of strings, found a number")
        }
        XCTAssertThrowsError(try JSONRecord(bytes: Array(#"{"id": "x""#.utf8), path: "f.jsonl", line: 3)) { error in
            XCTAssertEqual(
                (error as? PaperSearchError)?.description, "f.jsonl:3: invalid JSON (unexpected end of data at byte 10)")
        }
        XCTAssertThrowsError(try JSONRecord(bytes: Array("[1]".utf8), path: "f.jsonl", line: 4)) { error in
            XCTAssertEqual(
                (error as? PaperSearchError)?.description, "f.jsonl:4: expected a JSON object per line, found a list")
        }
        // A repeated key goes to Foundation, which still gives a record.
        let repeated = try JSONRecord(bytes: Array(#"{"id": "a", "id": "a"}"#.utf8), path: "f.jsonl", line: 5)
        XCTAssertEqual(try repeated.string("id"), "a")
    }

    /// Every line of the shared arXiv sample's first 3,000 records reads the same both ways.
    func testAgreesWithFoundationOnTheArxivSample() throws {
        let root = ProcessInfo.processInfo.environment["PAPERSEARCH_SHARED_DATA"] ?? "/work/shared/data"
        let path = root + "/arxiv/arxiv_ml_papers.jsonl.gz"
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("shared arXiv sample not found at \(path)")
        }
        let lines = try LineReader(path: path)
        var checked = 0
        while checked < 3000, let line = try lines.next() {
            let text = String(decoding: line.bytes, as: UTF8.self)
            let fast = try XCTUnwrap(line.bytes.withUnsafeBufferPointer { JSONScanner.parseObject($0) }, "line \(line.number)")
            let slow = try XCTUnwrap(foundation(text), "line \(line.number)")
            XCTAssertTrue(same(fast, slow), "line \(line.number)")
            checked += 1
        }
        XCTAssertEqual(checked, 3000)
    }
}
