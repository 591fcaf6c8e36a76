import XCTest

/// The golden comparison itself: what it must accept (float noise) and reject (any change of id,
/// rank, text or a number beyond the tolerance).
final class GoldenFileTests: XCTestCase {
    let listing = """
         1.   5.804  demo:0279  2023-10-04  Long Context or Many Retrievals?
            terms: context +2.433 (bm25 +3.572, lsa +0.310)
         2.   5.124  2309.17453  2022-05-30  RepoSpan
        """

    func testTextAcceptsLastDigitNoise() {
        let noisy = listing.replacingOccurrences(of: "5.804", with: "5.805")
            .replacingOccurrences(of: "+0.310", with: "+0.311")
        XCTAssertNil(GoldenFile.textDifference(listing, noisy))
        XCTAssertNil(GoldenFile.textDifference(listing, listing))
    }

    func testTextRejectsChangedIdsRanksTextAndLargeDifferences() {
        let cases = [
            listing.replacingOccurrences(of: "demo:0279", with: "demo:0280"),  // another paper
            listing.replacingOccurrences(of: "2309.17453", with: "2309.17454"),  // arXiv ids are exact
            listing.replacingOccurrences(of: " 2.   5.124", with: " 3.   5.124"),  // rank
            listing.replacingOccurrences(of: "context +2.433", with: "long +2.433"),  // term
            listing.replacingOccurrences(of: "5.804", with: "5.850"),  // beyond 1e-3 relative
            listing.replacingOccurrences(of: "+0.310", with: "+0.313"),
            listing.replacingOccurrences(of: "2023-10-04", with: "2023-10-05"),  // dates are exact
            listing + "\nextra line",
        ]
        for changed in cases {
            XCTAssertNotNil(GoldenFile.textDifference(listing, changed), changed)
        }
    }

    func testJSONComparesStructureExactlyAndFloatsWithTolerance() throws {
        let golden = #"{"results": [{"id": "demo:0001", "rank": 1, "score": 0.7354, "tags": ["rag"]}]}"#
        XCTAssertNil(try GoldenFile.jsonDifference(golden, #"{"results": [{"id": "demo:0001", "rank": 1, "score": 0.73551, "tags": ["rag"]}]}"#))
        let changed = [
            #"{"results": [{"id": "demo:0002", "rank": 1, "score": 0.7354, "tags": ["rag"]}]}"#,
            #"{"results": [{"id": "demo:0001", "rank": 2, "score": 0.7354, "tags": ["rag"]}]}"#,
            #"{"results": [{"id": "demo:0001", "rank": 1, "score": 0.7400, "tags": ["rag"]}]}"#,
            #"{"results": [{"id": "demo:0001", "rank": 1, "score": 0.7354, "tags": []}]}"#,
            #"{"results": [{"id": "demo:0001", "rank": 1, "score": 0.7354}]}"#,
            #"{"results": []}"#,
        ]
        for json in changed {
            XCTAssertNotNil(try GoldenFile.jsonDifference(golden, json), json)
        }
    }
}
