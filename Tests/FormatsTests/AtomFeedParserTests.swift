import Foundation
import XCTest
@testable import Core
@testable import Formats

final class AtomFeedParserTests: XCTestCase {
    /// Bytes of `Fixtures/atom/<name>`.
    static func atomFixture(_ name: String) throws -> Data {
        let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
            .appendingPathComponent("atom").appendingPathComponent(name)
        return try Data(contentsOf: url)
    }

    private func parseFixture(_ name: String) throws -> AtomFeed {
        try AtomFeedParser.parse(Self.atomFixture(name), path: name)
    }

    /// Runs `body`, expecting a PaperSearchError, and returns it.
    private func expectError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> PaperSearchError? {
        do {
            try body()
            XCTFail("expected an error", file: file, line: line)
        } catch let error as PaperSearchError {
            return error
        } catch {
            XCTFail("unexpected error type: \(error)", file: file, line: line)
        }
        return nil
    }

    func testSingleEntryMapsEveryField() throws {
        let feed = try parseFixture("single_id.xml")
        XCTAssertEqual(feed.totalResults, 1)
        XCTAssertEqual(feed.startIndex, 0)
        XCTAssertEqual(feed.itemsPerPage, 100)
        XCTAssertEqual(feed.papers.count, 1)
        let paper = try XCTUnwrap(feed.papers.first)
        XCTAssertEqual(paper.id, "2310.04417")
        XCTAssertEqual(paper.version, 2)
        XCTAssertEqual(paper.title, "Lantern Decoding: Streaming Long-Context Inference with Anchor Tokens & Sliding Caches")
        XCTAssertTrue(paper.abstract.hasPrefix("We study how decoder-only language models can process unbounded input streams with"))
        XCTAssertTrue(paper.abstract.hasSuffix("at a fraction of its cost ($O(n)$ vs. $O(n^2)$)."))
        XCTAssertFalse(paper.abstract.contains("\n"))
        XCTAssertFalse(paper.abstract.contains("  "))
        XCTAssertEqual(paper.authors, "Mira Kovalenko, Tomás Ferreira, Ji-woo Park")
        XCTAssertEqual(paper.categories, ["cs.CL", "cs.AI", "cs.LG"])
        XCTAssertEqual(paper.primaryCategory, "cs.CL")
        XCTAssertEqual(paper.published, "2023-10-02 17:59:41")
        XCTAssertEqual(paper.updated, "2023-10-06")
        XCTAssertEqual(paper.source, .atom)
        XCTAssertEqual(paper.tags, [])
    }

    func testCategoryPageKeepsPrimaryFirstWithoutDuplicates() throws {
        let feed = try parseFixture("category_page1.xml")
        XCTAssertEqual(feed.totalResults, 5)
        XCTAssertEqual(feed.startIndex, 0)
        XCTAssertEqual(feed.itemsPerPage, 2)
        XCTAssertEqual(feed.papers.map(\.id), ["2310.01011", "2310.01532"])
        // The second entry lists cs.CL twice; the entity-escaped <i> stays literal text.
        XCTAssertEqual(feed.papers[1].categories, ["cs.CL", "cs.AI"])
        XCTAssertTrue(feed.papers[1].abstract.contains("degrades with model scale <i>after</i> tuning."))

        let last = try parseFixture("category_page3.xml")
        XCTAssertEqual(last.startIndex, 4)
        let paper = try XCTUnwrap(last.papers.first)
        XCTAssertEqual(last.papers.count, 1)
        XCTAssertEqual(paper.id, "2310.05120")
        XCTAssertEqual(paper.version, 3)
        // Primary stat.ML comes first even though the query was cat:cs.CL.
        XCTAssertEqual(paper.categories, ["stat.ML", "cs.CL", "cs.LG"])
        XCTAssertEqual(paper.primaryCategory, "stat.ML")
        XCTAssertEqual(paper.abstract, "Models should say \"I don't know\" when unsure. We propose a calibration objective for abstention and report risk-coverage curves on three datasets.")
    }

    func testOldStyleIDAndSeveralVersions() throws {
        let feed = try parseFixture("two_versions.xml")
        XCTAssertEqual(feed.papers.map(\.id), ["2310.04417", "2310.04417", "cs/0501001"])
        XCTAssertEqual(feed.papers.map(\.version), [1, 2, 1])
        XCTAssertEqual(feed.papers[2].published, "2005-01-03 09:00:00")
        XCTAssertEqual(feed.papers[2].authors, "Q. Historian")
    }

    func testEmptyPageHasNoPapers() throws {
        let feed = try parseFixture("empty_page.xml")
        XCTAssertEqual(feed.papers, [])
        XCTAssertEqual(feed.totalResults, 0)
        XCTAssertEqual(feed.startIndex, 2)
    }

    func testAPIErrorFeedBecomesOneLineError() throws {
        let error = expectError { _ = try parseFixture("api_error.xml") }
        XCTAssertEqual(error, .arxivAPI(url: "api_error.xml", message: "incorrect id format for 2310.0441"))
        let text = error?.description ?? ""
        XCTAssertEqual(text, "arXiv API error for api_error.xml: incorrect id format for 2310.0441")
        XCTAssertFalse(text.contains("\n"))
    }

    func testMalformedXMLNamesTheParserLine() throws {
        let error = expectError { _ = try parseFixture("malformed.xml") }
        guard case .malformedRecord(let path, let line, let reason)? = error else {
            return XCTFail("expected malformedRecord, got \(String(describing: error))")
        }
        XCTAssertEqual(path, "malformed.xml")
        // <summary> opened on line 7 is closed by </entry> on line 8.
        XCTAssertEqual(line, 8)
        XCTAssertEqual(reason, "malformed XML (closing tag </entry> does not match <summary> opened on line 7)")
        XCTAssertFalse(error?.description.contains("\n") ?? true)
    }

    func testTruncatedDocumentIsMalformed() throws {
        let data = try Self.atomFixture("single_id.xml").prefix(900)
        let error = expectError { _ = try AtomFeedParser.parse(Data(data), path: "https://export.arxiv.org/api/query?id_list=x") }
        guard case .malformedRecord(let path, let line, _)? = error else {
            return XCTFail("expected malformedRecord, got \(String(describing: error))")
        }
        XCTAssertEqual(path, "https://export.arxiv.org/api/query?id_list=x")
        XCTAssertGreaterThan(line, 1)
    }

    func testEntryWithoutTitleNamesItsLine() throws {
        let error = expectError { _ = try parseFixture("missing_title.xml") }
        XCTAssertEqual(error, .missingField(path: "missing_title.xml", line: 10, field: "title"))
    }

    func testEntryWithoutIDOrSummary() throws {
        let noID = Data("""
        <feed xmlns="http://www.w3.org/2005/Atom">
          <entry>
            <title>T</title><summary>S</summary>
          </entry>
        </feed>
        """.utf8)
        XCTAssertEqual(expectError { _ = try AtomFeedParser.parse(noID, path: "f") }, .missingField(path: "f", line: 2, field: "id"))
        let noSummary = Data("""
        <feed xmlns="http://www.w3.org/2005/Atom">

          <entry><id>http://arxiv.org/abs/2310.00001v1</id><title>T</title></entry>
        </feed>
        """.utf8)
        XCTAssertEqual(expectError { _ = try AtomFeedParser.parse(noSummary, path: "f") }, .missingField(path: "f", line: 3, field: "summary"))
    }

    func testEntryWithForeignIDIsRejected() throws {
        let data = Data("""
        <feed xmlns="http://www.w3.org/2005/Atom">
          <entry><id>urn:uuid:1234</id><title>T</title><summary>S</summary></entry>
        </feed>
        """.utf8)
        let error = expectError { _ = try AtomFeedParser.parse(data, path: "f") }
        guard case .malformedRecord("f", 2, let reason)? = error else {
            return XCTFail("expected malformedRecord at line 2, got \(String(describing: error))")
        }
        XCTAssertTrue(reason.contains("'urn:uuid:1234'"), reason)
    }

    func testNonAtomDocumentsAreRejected() throws {
        let html = Data("<html>\n<body>Service Unavailable</body></html>".utf8)
        guard case .malformedRecord("page", 1, let reason)? = expectError({ _ = try AtomFeedParser.parse(html, path: "page") }) else {
            return XCTFail("expected malformedRecord")
        }
        XCTAssertTrue(reason.contains("<html>"), reason)

        guard case .malformedRecord("blank", 1, _)? = expectError({ _ = try AtomFeedParser.parse(Data(" \n".utf8), path: "blank") }) else {
            return XCTFail("expected malformedRecord for an empty document")
        }
    }

    func testFeedWithoutOpenSearchAndOtherPrefixes() throws {
        // Namespaces are resolved, so a default arXiv namespace or other prefixes do not matter.
        let data = Data("""
        <?xml version="1.0"?>
        <a:feed xmlns:a="http://www.w3.org/2005/Atom" xmlns:x="http://arxiv.org/schemas/atom">
          <a:entry>
            <a:id>https://arxiv.org/abs/2401.00001</a:id>
            <a:title><![CDATA[Title with <b>CDATA</b>]]></a:title>
            <a:summary>Abstract.</a:summary>
            <x:primary_category term="math.AG"/>
            <a:category term="math.AG"/><a:category term="math.NT"/>
          </a:entry>
        </a:feed>
        """.utf8)
        let feed = try AtomFeedParser.parse(data, path: "f")
        XCTAssertNil(feed.totalResults)
        XCTAssertNil(feed.startIndex)
        XCTAssertNil(feed.itemsPerPage)
        let paper = try XCTUnwrap(feed.papers.first)
        XCTAssertEqual(paper.id, "2401.00001")
        XCTAssertNil(paper.version)
        XCTAssertEqual(paper.title, "Title with <b>CDATA</b>")
        XCTAssertEqual(paper.categories, ["math.AG", "math.NT"])
        XCTAssertNil(paper.authors)
        XCTAssertNil(paper.published)
        XCTAssertNil(paper.updated)
    }

    func testTimestampConversion() {
        XCTAssertEqual(AtomFeedParser.timestamp("2023-10-02T17:59:41Z"), "2023-10-02 17:59:41")
        XCTAssertEqual(AtomFeedParser.timestamp(" 2023-10-02T17:59:41-04:00\n"), "2023-10-02 17:59:41")
        XCTAssertEqual(AtomFeedParser.timestamp("2023-10-02"), "2023-10-02")
        XCTAssertNil(AtomFeedParser.timestamp("yesterday"))
        XCTAssertEqual(AtomFeedParser.day("2023-10-06T11:20:05Z"), "2023-10-06")
        XCTAssertNil(AtomFeedParser.day(""))
    }
}
