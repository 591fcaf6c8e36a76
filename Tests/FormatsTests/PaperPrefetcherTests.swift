import Foundation
import XCTest
@testable import Core
@testable import Formats
@testable import Indexing


/// `PaperPrefetcher` hands out exactly what its `PaperFileReader` gives, in order.
final class PaperPrefetcherTests: XCTestCase {
    private func fixture(_ name: String) throws -> String {
        let base = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return base.appendingPathComponent("ingest").appendingPathComponent(name).path
    }

    /// Papers as ids, record errors as their text, the end as "end", a final error as "final: ...".
    private func outcomes(_ next: () throws -> Paper?) -> [String] {
        var result: [String] = []
        for _ in 0..<10_000 {
            do {
                guard let paper = try next() else {
                    result.append("end")
                    return result
                }
                result.append(paper.id)
            } catch let error as PaperSearchError where error.isRecordLevel {
                result.append(error.description)
            } catch {
                result.append("final: \(error)")
                // A final error repeats.
                do { _ = try next() } catch let again { result.append("again: \(again)") }
                return result
            }
        }
        return result
    }

    func testSameSequenceAsTheReader() throws {
        for name in ["record_errors.jsonl", "arxiv_sample.jsonl.gz", "invalid_utf8.jsonl", "multimember.jsonl.gz", "2024-02-05-toy-digest.txt"] {
            let path = try fixture(name)
            var direct = try PaperFileReader(path: path)
            let expected = outcomes { try direct.next() }
            let prefetcher = PaperPrefetcher(reader: try PaperFileReader(path: path))
            defer { prefetcher.cancel() }
            XCTAssertEqual(outcomes(prefetcher.next), expected, name)
            XCTAssertGreaterThan(expected.count, 1, name)
        }
    }

    func testManyBatchesAndEarlyCancel() throws {
        // More records than a few batches, so the reading thread blocks on a full queue.
        let count = PaperPrefetcher.batchSize * (PaperPrefetcher.maxQueued + 4) + 7
        var text = ""
        for i in 0..<count {
            text += #"{"id": "2401.\#(String(format: "%05d", i))", "title": "T", "abstract": "A"}"# + "\n"
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("prefetch-\(UUID().uuidString).jsonl")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }

        let all = PaperPrefetcher(reader: try PaperFileReader(path: url.path))
        var ids: [String] = []
        while let paper = try all.next() { ids.append(paper.id) }
        XCTAssertEqual(ids.count, count)
        XCTAssertEqual(ids.first, "2401.00000")
        XCTAssertEqual(ids.last, "2401.\(String(format: "%05d", count - 1))")
        XCTAssertNil(try all.next())

        // Stopping after one paper must not leave the reading thread stuck (cancel returns).
        let early = PaperPrefetcher(reader: try PaperFileReader(path: url.path))
        XCTAssertEqual(try early.next()?.id, "2401.00000")
        early.cancel()
        early.cancel()
    }
}
