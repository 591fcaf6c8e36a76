import Foundation
import XCTest
@testable import Core
@testable import TextAnalysis
@testable import Formats
@testable import Indexing


/// Inputs found by the libFuzzer targets (`Scripts/fuzz.sh`, sources in `Tests/Fuzz`), kept in
/// `Fixtures/fuzz-regressions`, plus the committed seed corpora, replayed through the same
/// checks the fuzz targets make: parsing ends in papers or in one-line `PaperSearchError`s.
final class FuzzRegressionTests: XCTestCase {
    private func fixtures(_ folder: String) throws -> URL {
        let base = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return base.appendingPathComponent(folder)
    }

    /// Reads every paper of `path` as `format`; returns the papers and the error messages.
    private func readAll(_ path: String, format: ImportFormat) -> (papers: [Paper], errors: [String]) {
        var papers: [Paper] = []
        var errors: [String] = []
        do {
            var reader = try PaperFileReader(path: path, format: format)
            while errors.count < 10_000 {
                do {
                    guard let paper = try reader.next() else { break }
                    XCTAssertFalse(paper.id.isEmpty)
                    XCTAssertFalse(paper.title.isEmpty)
                    papers.append(paper)
                } catch let error as PaperSearchError where error.isRecordLevel {
                    errors.append(error.description)
                }
            }
        } catch let error as PaperSearchError {
            errors.append(error.description)
        } catch {
            XCTFail("\(path): not a PaperSearchError: \(error)")
        }
        for message in errors {
            XCTAssertFalse(message.contains("\n") || message.contains("\r") || message.contains("\0"), message.debugDescription)
        }
        return (papers, errors)
    }

    /// `<?x?>` (a processing instruction without data) crashed Foundation's XMLParser (strlen of
    /// NULL): found by the atom target after 19,824 runs. Atom is now read by `XMLEventReader`,
    /// for which such an instruction is valid XML (XML 1.0 §2.6: the data is optional): the
    /// crash input (truncated after it) fails cleanly, and feeds with such instructions parse.
    func testAtomProcessingInstructionWithoutData() throws {
        let crash = try fixtures("fuzz-regressions").appendingPathComponent("atom-empty-processing-instruction.atom").path
        let result = readAll(crash, format: .atom)
        XCTAssertEqual(result.papers, [])
        XCTAssertEqual(result.errors.count, 1)
        XCTAssertTrue(result.errors.first?.contains("atom-empty-processing-instruction.atom:") ?? false, "\(result.errors)")
        for instruction in ["<?x?>", "<?xml-stylesheet?>", "<?a-b.c?>"] {
            let feed = """
                <?xml version="1.0" encoding="UTF-8"?>
                <feed xmlns="http://www.w3.org/2005/Atom">
                \(instruction)
                </feed>
                """
            XCTAssertEqual(try AtomFeedParser.parse(Data(feed.utf8), path: "pi.atom").papers, [], instruction)
        }
        let withData = "<?xml version=\"1.0\"?>\n<?x y?>\n<?z ?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>\n"
        XCTAssertEqual(try AtomFeedParser.parse(Data(withData.utf8), path: "ok.atom").papers, [])
    }

    /// Every committed seed of every target parses (or fails cleanly) in its format.
    func testSeedCorporaReplay() throws {
        let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/Seeds")
        let formats: [(String, ImportFormat)] = [("digest", .digest), ("arxiv-jsonl", .arxiv), ("atom", .atom)]
        var files = 0
        for (folder, format) in formats {
            let directory = seeds.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() {
                _ = readAll(directory.appendingPathComponent(name).path, format: format)
                files += 1
            }
        }
        let analyzer = try Analyzer()
        let analyzerSeeds = seeds.appendingPathComponent("analyzer")
        for name in try FileManager.default.contentsOfDirectory(atPath: analyzerSeeds.path).sorted() {
            let text = String(decoding: try Data(contentsOf: analyzerSeeds.appendingPathComponent(name)), as: UTF8.self)
            let terms = analyzer.terms(text)
            XCTAssertFalse(terms.contains(""), name)
            XCTAssertEqual(analyzer.terms(text), terms, name)
            files += 1
        }
        XCTAssertGreaterThanOrEqual(files, 12)
    }

    /// Error messages stay one line and bounded whatever the quoted value holds.
    func testErrorMessagesAreOneBoundedLine() {
        let id = "2401.1\n\r\u{0}\u{7}\u{2028}" + String(repeating: "9", count: 100_000)
        let message = PaperSearchError.invalidArxivID(value: id).description
        XCTAssertFalse(message.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{2028}" }, message.debugDescription)
        XCTAssertLessThanOrEqual(message.count, PaperSearchError.maxMessageLength)
        XCTAssertTrue(message.hasPrefix(#"'2401.1\n\r\u{0}\u{7}\u{2028}999"#), String(message.prefix(80)))
        XCTAssertTrue(message.hasSuffix("or an arxiv.org/abs URL"))
        XCTAssertEqual(PaperSearchError.malformedRecord(path: "f.atom", line: 0, reason: "r").description, "f.atom: r")
    }
}
