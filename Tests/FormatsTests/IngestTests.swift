import Foundation
import XCTest
@testable import Core
@testable import TextAnalysis
@testable import Formats


final class IngestTests: XCTestCase {
    // MARK: - Helpers

    private func fixture(_ name: String) throws -> String {
        let base = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return base.appendingPathComponent("ingest").appendingPathComponent(name).path
    }

    private struct Outcome {
        var papers: [Paper] = []
        /// Record errors, in order, with the reader's `currentLine` after each.
        var errors: [(error: PaperSearchError, line: Int)] = []
    }

    /// Reads everything, collecting record errors the way `--skip-invalid` would.
    private func readAll(_ reader: inout PaperFileReader) throws -> Outcome {
        var outcome = Outcome()
        for _ in 0..<10_000 {
            do {
                guard let paper = try reader.next() else { return outcome }
                outcome.papers.append(paper)
            } catch let error as PaperSearchError {
                switch error {
                case .malformedRecord, .missingField, .invalidUTF8:
                    outcome.errors.append((error, reader.currentLine))
                default:
                    throw error
                }
            }
        }
        XCTFail("reader did not finish")
        return outcome
    }

    private func readAll(_ name: String, format: ImportFormat? = nil) throws -> Outcome {
        var reader = try PaperFileReader(path: fixture(name), format: format)
        return try readAll(&reader)
    }

    private func temporaryFile(_ bytes: [UInt8], name: String = UUID().uuidString) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-\(name)")
        try Data(bytes).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    // MARK: - Format detection

    func testDetection() throws {
        let expected: [(String, ImportFormat)] = [
            ("arxiv_sample.jsonl", .arxiv), ("arxiv_sample.jsonl.gz", .arxiv), ("kaggle_sample.jsonl", .arxiv),
            ("ToyBEIR/corpus.jsonl", .beir), ("2024-02-05-toy-digest.txt", .digest), ("feed.atom", .atom),
            // The first line is not valid JSON but has the arXiv keys: the reader reports it.
            ("record_errors.jsonl", .arxiv),
        ]
        for (name, format) in expected {
            XCTAssertEqual(try ImportFormat.detect(path: fixture(name)), format, name)
            XCTAssertEqual(try PaperFileReader(path: fixture(name)).format, format, name)
        }
    }

    func testEmptyAndBlankFiles() throws {
        for name in ["empty.jsonl", "blank.txt"] {
            let path = try fixture(name)
            XCTAssertThrowsError(try PaperFileReader(path: path)) {
                XCTAssertEqual($0 as? PaperSearchError, .emptyFile(path: path))
            }
            // With a forced format the emptiness shows at the first read, and stays.
            var reader = try PaperFileReader(path: path, format: .arxiv)
            XCTAssertThrowsError(try reader.next()) { XCTAssertEqual($0 as? PaperSearchError, .emptyFile(path: path)) }
            XCTAssertThrowsError(try reader.next()) { XCTAssertEqual($0 as? PaperSearchError, .emptyFile(path: path)) }
        }
    }

    func testUnknownFormat() throws {
        for name in ["unknown.txt", "unknown_keys.jsonl"] {
            let path = try fixture(name)
            XCTAssertThrowsError(try PaperFileReader(path: path)) { error in
                guard case .unknownFormat(let errorPath, let expected)? = error as? PaperSearchError else {
                    return XCTFail("got \(error)")
                }
                XCTAssertEqual(errorPath, path)
                XCTAssertTrue(expected.contains("BEIR"), expected)
                XCTAssertTrue((error as? PaperSearchError)?.description.contains("--format") ?? false)
            }
        }
    }

    func testMissingPath() throws {
        XCTAssertThrowsError(try PaperFileReader(path: "/nonexistent/dir/papers.jsonl")) {
            XCTAssertEqual($0 as? PaperSearchError, .fileNotFound(path: "/nonexistent/dir/papers.jsonl"))
        }
        XCTAssertThrowsError(try PaperFileReader(path: "/nonexistent/papers.jsonl", format: .arxiv)) {
            XCTAssertEqual($0 as? PaperSearchError, .fileNotFound(path: "/nonexistent/papers.jsonl"))
        }
    }

    // MARK: - arXiv JSON lines

    func testArxivSampleShape() throws {
        let outcome = try readAll("arxiv_sample.jsonl")
        XCTAssertTrue(outcome.errors.isEmpty)
        XCTAssertEqual(outcome.papers.count, 3)
        XCTAssertEqual(
            outcome.papers[0],
            Paper(
                id: "2401.01234", version: 2, title: "Tiny Retrievers for Small Corpora",
                abstract: "We study how small retrievers behave on toy data.", categories: ["cs.IR", "cs.CL"],
                primaryCategory: "cs.IR", published: "2024-01-03 09:15:00", source: .arxivJSONL))
        // Version from the id; primary category moved to the front; ISO date normalised.
        let second = outcome.papers[1]
        XCTAssertEqual(second.id, "2309.17453")
        XCTAssertEqual(second.version, 3)
        XCTAssertEqual(second.categories, ["cs.LG", "cs.CL"])
        XCTAssertEqual(second.primaryCategory, "cs.LG")
        XCTAssertEqual(second.published, "2023-09-29 17:59:00")
        // Namespaced demo id with tags.
        let demo = outcome.papers[2]
        XCTAssertEqual(demo.id, "demo:0001")
        XCTAssertEqual(demo.source, .demo)
        XCTAssertEqual(demo.tags, ["rag", "llm"])
        XCTAssertNil(demo.version)
    }

    func testGzipGivesTheSamePapers() throws {
        XCTAssertEqual(try readAll("arxiv_sample.jsonl.gz").papers, try readAll("arxiv_sample.jsonl").papers)
    }

    func testKaggleShape() throws {
        let outcome = try readAll("kaggle_sample.jsonl")
        XCTAssertTrue(outcome.errors.isEmpty, "\(outcome.errors)")
        XCTAssertEqual(outcome.papers.count, 3)
        XCTAssertEqual(
            outcome.papers[0],
            Paper(
                id: "0704.0001", version: 2, title: "Calculation of toy cross sections at small energies",
                abstract: "A fully invented abstract. It spans two lines.",
                authors: "A. Example, B. Sample and C. Person", categories: ["hep-ph", "cs.LG"],
                published: "2007-04-02 19:18:42", updated: "2008-11-13", source: .kaggle))
        let old = outcome.papers[1]
        XCTAssertEqual(old.id, "cs/0501001")
        XCTAssertEqual(old.version, 1)
        XCTAssertEqual(old.published, "2005-01-01 00:00:01")
        XCTAssertEqual(old.updated, "2007-05-23")
        XCTAssertEqual(old.authors, "O. Timer")
        XCTAssertEqual(old.source, .kaggle)
        // Subject class dropped; versions out of order; v1 gives the date; empty authors -> nil.
        let third = outcome.papers[2]
        XCTAssertEqual(third.id, "math/0601001")
        XCTAssertEqual(third.version, 3)
        XCTAssertEqual(third.published, "2006-01-01 10:00:00")
        XCTAssertNil(third.authors)
    }

    func testRecordErrorsNameLineAndReasonAndReadingContinues() throws {
        let path = try fixture("record_errors.jsonl")
        let outcome = try readAll("record_errors.jsonl")
        XCTAssertEqual(outcome.papers.map(\.id), ["2401.00001", "2401.00003", "2401.00012"])
        let errors = outcome.errors.map(\.error)
        XCTAssertEqual(outcome.errors.map(\.line), [2, 4, 5, 6, 7, 8, 9, 10, 11])
        XCTAssertEqual(
            errors[0], .malformedRecord(path: path, line: 2, reason: "invalid JSON (unexpected end of data at byte 37)"))
        XCTAssertEqual(errors[0].description, "\(path):2: invalid JSON (unexpected end of data at byte 37)")
        XCTAssertEqual(
            errors[1], .malformedRecord(path: path, line: 4, reason: "expected a JSON object per line, found a list"))
        XCTAssertEqual(
            errors[2],
            .malformedRecord(
                path: path, line: 5, reason: "field 'categories' must be a string or a list of strings, found a number"))
        XCTAssertEqual(errors[3], .missingField(path: path, line: 6, field: "id"))
        XCTAssertEqual(errors[4], .missingField(path: path, line: 7, field: "title"))
        XCTAssertEqual(errors[5], .missingField(path: path, line: 8, field: "abstract"))
        guard case .malformedRecord(_, 9, let idReason) = errors[6] else { return XCTFail("\(errors[6])") }
        XCTAssertTrue(idReason.hasPrefix("invalid id '12345', expected an arXiv id"), idReason)
        XCTAssertEqual(
            errors[7], .malformedRecord(path: path, line: 10, reason: "field 'version' must be an integer, found a string"))
        guard case .malformedRecord(_, 11, let dateReason) = errors[8] else { return XCTFail("\(errors[8])") }
        XCTAssertTrue(dateReason.contains("'yesterday'"), dateReason)
    }

    func testSyntaxErrorInTheMiddleOfALine() throws {
        let path = try temporaryFile(Array("{\"id\": \"2401.00001\",, \"title\": \"x\"}\n".utf8))
        var reader = try PaperFileReader(path: path, format: .arxiv)
        XCTAssertThrowsError(try reader.next()) { error in
            guard case .malformedRecord(_, 1, let reason)? = error as? PaperSearchError else {
                return XCTFail("got \(error)")
            }
            XCTAssertTrue(reason.hasPrefix("invalid JSON ("), reason)
            XCTAssertTrue(reason.contains("at byte 20"), reason)  // 0-based offset of the second comma
        }
        XCTAssertNil(try reader.next())
    }

    func testInvalidUTF8() throws {
        let path = try fixture("invalid_utf8.jsonl")
        let outcome = try readAll("invalid_utf8.jsonl")
        XCTAssertEqual(outcome.papers.map(\.id), ["2401.00021", "2401.00023"])
        XCTAssertEqual(outcome.errors.map(\.error), [.invalidUTF8(path: path, line: 2)])
    }

    func testCRLFAndNoFinalNewline() throws {
        let outcome = try readAll("crlf.jsonl")
        XCTAssertTrue(outcome.errors.isEmpty)
        XCTAssertEqual(outcome.papers.map(\.id), ["2401.00031", "2401.00032"])
        XCTAssertEqual(outcome.papers.map(\.abstract), ["Line one.", "At the end."])
    }

    func testMultiMemberGzipPapers() throws {
        XCTAssertEqual(try readAll("multimember.jsonl.gz").papers.count, 5)
    }

    func testTruncatedGzipIsFinal() throws {
        let path = try fixture("truncated.jsonl.gz")
        do {
            var reader = try PaperFileReader(path: path, format: .arxiv)
            var thrown: PaperSearchError?
            for _ in 0..<10 {
                do {
                    if try reader.next() == nil { break }
                } catch let error as PaperSearchError {
                    if case .truncatedGzip = error {
                        thrown = error
                        break
                    }
                }
            }
            guard case .truncatedGzip(let errorPath, _)? = thrown else { return XCTFail("no truncatedGzip error") }
            XCTAssertEqual(errorPath, path)
            XCTAssertThrowsError(try reader.next()) { XCTAssertEqual($0 as? PaperSearchError, thrown) }
        }
        // Detection reads the start of the file and reports the same problem.
        XCTAssertThrowsError(try PaperFileReader(path: path)) { error in
            guard case .truncatedGzip? = error as? PaperSearchError else { return XCTFail("got \(error)") }
        }
    }

    func testCurrentLine() throws {
        var reader = try PaperFileReader(path: fixture("arxiv_sample.jsonl"))
        XCTAssertEqual(reader.currentLine, 0)
        _ = try reader.next()
        XCTAssertEqual(reader.currentLine, 1)
        _ = try reader.next()
        XCTAssertEqual(reader.currentLine, 3, "blank line 2 is skipped")
    }

    // MARK: - BEIR

    func testBEIRCorpusWithDirectoryNamespace() throws {
        var reader = try PaperFileReader(path: fixture("ToyBEIR/corpus.jsonl"))
        XCTAssertEqual(reader.namespace, "toybeir")
        let outcome = try readAll(&reader)
        XCTAssertTrue(outcome.errors.isEmpty)
        XCTAssertEqual(outcome.papers.map(\.id), ["toybeir:101", "toybeir:102", "toybeir:103"])
        XCTAssertEqual(
            outcome.papers[0],
            Paper(
                id: "toybeir:101", title: "Toy Claims About Cells.", abstract: "Cells do toy things. This is invented.",
                source: .beir))
        XCTAssertEqual(outcome.papers[1].title, "An untitled document starts here.", "empty title: first sentence")
    }

    func testBEIRExplicitNamespace() throws {
        var reader = try PaperFileReader(path: fixture("ToyBEIR/corpus.jsonl"), namespace: "toy")
        XCTAssertEqual(try reader.next()?.id, "toy:101")
        XCTAssertThrowsError(try PaperFileReader(path: fixture("ToyBEIR/corpus.jsonl"), namespace: "Bad Name")) {
            guard case .invalidOption("--namespace", "Bad Name", _)? = $0 as? PaperSearchError else {
                return XCTFail("got \($0)")
            }
        }
    }

    func testBEIRRecordErrors() throws {
        let lines = [
            "{\"_id\": \"1\", \"text\": \"No title key.\"}",
            "{\"_id\": \"2\", \"title\": \"T\", \"text\": \"\"}",
            "{\"title\": \"T\", \"text\": \"No id.\"}",
            "{\"_id\": \"4\", \"title\": \"Fine\", \"text\": \"Fine text.\"}",
        ]
        let path = try temporaryFile(Array((lines.joined(separator: "\n") + "\n").utf8))
        var reader = try PaperFileReader(path: path, format: .beir, namespace: "t")
        let outcome = try readAll(&reader)
        XCTAssertEqual(outcome.papers.map(\.id), ["t:4"])
        XCTAssertEqual(
            outcome.errors.map(\.error),
            [
                .missingField(path: path, line: 1, field: "title"), .missingField(path: path, line: 2, field: "text"),
                .missingField(path: path, line: 3, field: "_id"),
            ])
    }

    func testDerivedTitleIsCut() {
        let long = String(repeating: "word ", count: 40) + "end. Next sentence."
        let title = BEIRRecordDecoder.derivedTitle(long)
        XCTAssertLessThanOrEqual(title.count, 80)
        XCTAssertTrue(title.hasSuffix("word…"), title)
    }

    // MARK: - Digest

    func testToyDigest() throws {
        let path = try fixture("2024-02-05-toy-digest.txt")
        var reader = try PaperFileReader(path: path)
        XCTAssertEqual(reader.format, .digest)
        XCTAssertEqual(reader.digestDate, "2024-02-05")
        let outcome = try readAll(&reader)
        XCTAssertEqual(
            outcome.papers,
            [
                Paper(
                    id: "2401.01234", version: 2, title: "Tiny Retrievers for Small Corpora",
                    abstract: "We evaluate tiny retrievers on invented data. The results are invented too.",
                    source: .digest, tags: ["rag", "tiny-models"]),
                Paper(
                    id: "cs/0501001", title: "A Paper / With a Slash and No Hashtags",
                    abstract: "An English abstract in its own paragraph, with Unicode — dashes.", source: .digest),
                Paper(id: "2402.00002", title: "The Last Toy Paper", abstract: "The last invented abstract.",
                    source: .digest, tags: ["llm"]),
            ])
        XCTAssertEqual(outcome.errors.map(\.line), [53, 71])
        XCTAssertEqual(
            outcome.errors.map(\.error),
            [
                .malformedRecord(
                    path: path, line: 53, reason: "paper 'A Paper Without a Link' has no arxiv.org/abs/ link under 論文リンク"),
                .malformedRecord(
                    path: path, line: 71,
                    reason: "paper 'A Paper Without an English Abstract' has no English abstract under 論文要旨"),
            ])
    }

    func testDigestWithInvalidUTF8InOnePaper() throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture("2024-02-05-toy-digest.txt"))))
        // Line 19 is the first paper's quoted English abstract: put a Latin-1 byte in it.
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(lines[18].contains("We evaluate tiny retrievers"))
        let offset = lines[..<18].reduce(0) { $0 + $1.utf8.count + 1 } + 10
        bytes[offset] = 0xE9
        let path = try temporaryFile(bytes, name: "2024-02-05-digest.txt")
        var reader = try PaperFileReader(path: path)
        XCTAssertEqual(reader.format, .digest)
        let outcome = try readAll(&reader)
        XCTAssertEqual(outcome.papers.map(\.id), ["cs/0501001", "2402.00002"])
        XCTAssertEqual(outcome.errors.first?.error, .invalidUTF8(path: path, line: 19))
        XCTAssertEqual(outcome.errors.count, 3)
    }

    func testDigestPieces() {
        XCTAssertEqual(DigestParser.englishTitle("日本語 / English / Part"), "English / Part")
        XCTAssertEqual(DigestParser.englishTitle("A / B 日本 / Title"), "Title")
        XCTAssertEqual(DigestParser.trailingHashtags("説明です。 #rag #instruct-tuning"), ["rag", "instruct-tuning"])
        XCTAssertEqual(DigestParser.trailingHashtags("ranked #1 among peers"), [])
        XCTAssertEqual(DigestParser.stripQuoting("    > > Quoted text"), "Quoted text")
        XCTAssertTrue(DigestParser.isEnglish("Plain English, with GPT-4V(ision)."))
        XCTAssertFalse(DigestParser.isEnglish("LLMは空間と時間の線形表現を学習します。"))
    }

    func testDigestTooLargeIsRefused() throws {
        // A file just over the limit, made of blank-ish lines so it stays cheap.
        let limit = PaperFileReader.wholeFileLimit
        var bytes = [UInt8](repeating: 0x61, count: limit + 10)
        for i in stride(from: 1000, to: bytes.count, by: 1000) { bytes[i] = 0x0A }
        let path = try temporaryFile(bytes)
        XCTAssertThrowsError(try PaperFileReader(path: path, format: .digest)) { error in
            guard case .unreadableFile(_, let reason)? = error as? PaperSearchError else { return XCTFail("got \(error)") }
            XCTAssertTrue(reason.contains("64 MiB"), reason)
        }
    }

    func testForcedDigestOnOtherContent() throws {
        XCTAssertThrowsError(try PaperFileReader(path: fixture("arxiv_sample.jsonl"), format: .digest)) { error in
            guard case .unknownFormat? = error as? PaperSearchError else { return XCTFail("got \(error)") }
        }
    }

    // MARK: - Atom

    func testAtomFeedIsHandedToTheParser() throws {
        var reader = try PaperFileReader(path: fixture("feed.atom"))
        XCTAssertEqual(reader.format, .atom)
        let outcome = try readAll(&reader)
        XCTAssertEqual(outcome.papers.map(\.id), ["2401.01234"])
        XCTAssertEqual(outcome.papers.first?.title, "Tiny Retrievers for Small Corpora")
        XCTAssertEqual(outcome.papers.first?.source, .atom)
    }

    // MARK: - Helpers of the importers

    func testWhitespaceCollapse() {
        let cases: [(String, String)] = [
            ("plain text", "plain text"), ("  lead", "lead"), ("trail ", "trail"), ("a  b", "a b"),
            ("a\nb", "a b"), ("a\t\r\nb", "a b"), ("a\u{00A0}b", "a b"), ("a\u{3000}b", "a b"),
            ("a\u{2009}b", "a b"), ("a — b", "a — b"), ("é", "é"), ("", ""), (" \n ", ""),
            (String(repeating: "abcdefg ", count: 5) + " x", String(repeating: "abcdefg ", count: 5) + "x"),
            ("abcdefgh abcdefg  h", "abcdefgh abcdefg h"), ("abcdefg  abcdefgh", "abcdefg abcdefgh"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(TextNormalizer.collapseWhitespace(input), expected, "input \(input.debugDescription)")
        }
    }

    func testDates() {
        XCTAssertEqual(ArxivDate.rfc2822("Mon, 2 Apr 2007 19:18:42 GMT"), "2007-04-02 19:18:42")
        XCTAssertEqual(ArxivDate.rfc2822("2 Apr 2007 19:18:42 GMT"), "2007-04-02 19:18:42")
        XCTAssertNil(ArxivDate.rfc2822("Mon, 2 Foo 2007 19:18:42 GMT"))
        XCTAssertNil(ArxivDate.rfc2822("Mon, 2 Apr 2007 19:18:42 +0200"))
        XCTAssertEqual(ArxivDate.timestamp("2023-10-04 17:59:41"), "2023-10-04 17:59:41")
        XCTAssertEqual(ArxivDate.timestamp("2023-10-04T17:59:41.123Z"), "2023-10-04 17:59:41")
        XCTAssertEqual(ArxivDate.timestamp("2023-10-04"), "2023-10-04")
        XCTAssertNil(ArxivDate.timestamp("2023-13-04"))
        XCTAssertNil(ArxivDate.timestamp("2023-02-29 10:00:00"))
        XCTAssertNil(ArxivDate.rfc2822("Fri, 31 Feb 2023 10:00:00 GMT"))
        XCTAssertNil(ArxivDate.timestamp("2023-10-04 25:00:00"))
        XCTAssertEqual(ArxivDate.day("2008-11-13"), "2008-11-13")
    }
}
