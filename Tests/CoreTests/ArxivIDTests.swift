import XCTest
@testable import Core


final class ArxivIDTests: XCTestCase {
    func testAcceptedSpellings() {
        let cases: [(raw: String, id: String, version: Int?)] = [
            ("2309.17453", "2309.17453", nil),
            ("2309.17453v2", "2309.17453", 2),
            ("0704.0001", "0704.0001", nil),
            ("1412.9999v10", "1412.9999", 10),
            ("1501.00001", "1501.00001", nil),
            ("cs/0501001", "cs/0501001", nil),
            ("cs/0501001v2", "cs/0501001", 2),
            ("hep-th/9901001", "hep-th/9901001", nil),
            ("math.AG/0601001v3", "math/0601001", 3),
            ("arXiv:2309.17453", "2309.17453", nil),
            ("ARXIV:cs/0501001v1", "cs/0501001", 1),
            ("https://arxiv.org/abs/2309.17453v2", "2309.17453", 2),
            ("http://arxiv.org/pdf/2309.17453.pdf", "2309.17453", nil),
            ("http://arxiv.org/pdf/2309.17453v1.pdf", "2309.17453", 1),
            ("https://arxiv.org/pdf/2309.17453v1", "2309.17453", 1),
            ("arxiv.org/abs/cs/0501001", "cs/0501001", nil),
            ("https://export.arxiv.org/abs/2309.17453", "2309.17453", nil),
            ("https://www.arxiv.org/abs/2309.17453/", "2309.17453", nil),
            ("https://arxiv.org/abs/2309.17453?context=cs", "2309.17453", nil),
            ("  2309.17453\n", "2309.17453", nil),
        ]
        for (raw, id, version) in cases {
            guard let parsed = ArxivID.parse(raw) else {
                XCTFail("'\(raw)' should parse")
                continue
            }
            XCTAssertEqual(parsed.id, id, "id of '\(raw)'")
            XCTAssertEqual(parsed.version, version, "version of '\(raw)'")
        }
    }

    func testRejects() {
        let rejects = [
            "2309.1745",  // 4-digit number after 2014
            "abc", "", "   ",
            "2309.17453v",  // version without digits
            "2309.17453v0",
            "99999.99999999",
            "2313.00001",  // month 13
            "0701.0001",  // new style started 0704
            "1412.00001",  // 5 digits before 2015
            "2309.17453 extra",
            "cs/050100",  // 6 digits
            "cs/0513001",  // month 13
            "/0501001",
            "arXiv:",
            "https://example.com/abs/2309.17453",
            "https://arxiv.org/list/cs.CL/recent",
            "demo:0001",
        ]
        for raw in rejects {
            XCTAssertNil(ArxivID.parse(raw), "'\(raw)' should be rejected")
        }
    }

    func testNamespacedIDs() {
        for id in ["demo:0001", "scifact:4983", "my-set_2:abc/def"] {
            XCTAssertTrue(ArxivID.isNamespaced(id), id)
        }
        for id in [
            "arxiv:2309.17453", "arXiv:2309.17453", "https://arxiv.org/abs/2309.17453", "http://x",
            "Demo:1", "demo:", ":0001", "demo: 1", "2309.17453", "1demo:1", "",
        ] {
            XCTAssertFalse(ArxivID.isNamespaced(id), id)
        }
    }
}
