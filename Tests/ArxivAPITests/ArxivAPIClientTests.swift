import Foundation
import XCTest
@testable import Core
@testable import ArxivAPI

/// Runs the real client against `LocalHTTPServer` on 127.0.0.1; nothing here reaches the internet.
final class ArxivAPIClientTests: XCTestCase {
    private let query = "cat:cs.CL AND submittedDate:[202310020000 TO 202310082359]"
    private let encodedQuery = "search_query=cat%3Acs.CL%20AND%20submittedDate%3A%5B202310020000%20TO%20202310082359%5D"

    /// Starts a server that is stopped when the test ends.
    private func startServer(_ handler: @escaping LocalHTTPServer.Handler) throws -> LocalHTTPServer {
        let server = try LocalHTTPServer(handler: handler)
        addTeardownBlock { server.stop() }
        return server
    }

    /// Bytes of an Atom fixture of the Formats tests (Tests/FormatsTests/Fixtures/atom/<name>): the
    /// client reads the same feeds the parser tests check.
    private func fixture(_ name: String) throws -> Data {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        return try Data(contentsOf: tests.appendingPathComponent("FormatsTests/Fixtures/atom/\(name)"))
    }

    /// Serves the three category pages by their `start` parameter.
    private func pagedHandler() throws -> LocalHTTPServer.Handler {
        let pages = ["0": try fixture("category_page1.xml"), "2": try fixture("category_page2.xml"), "4": try fixture("category_page3.xml")]
        return { request in
            guard let start = request.query["start"], let page = pages[start] else {
                return .respond(status: 404, body: Data())
            }
            return .respond(status: 200, body: page)
        }
    }

    private func client(_ server: LocalHTTPServer, pageSize: Int = 2, delay: Duration = .zero, timeout: Double = 5) -> ArxivAPIClient {
        ArxivAPIClient(baseURL: server.baseURL, pageSize: pageSize, delay: delay, timeout: timeout)
    }

    /// Awaits `body`, expecting a PaperSearchError, and returns it.
    private func expectError(_ body: () async throws -> Void, file: StaticString = #filePath, line: UInt = #line) async -> PaperSearchError? {
        do {
            try await body()
            XCTFail("expected an error", file: file, line: line)
        } catch let error as PaperSearchError {
            return error
        } catch {
            XCTFail("unexpected error type: \(error)", file: file, line: line)
        }
        return nil
    }

    // MARK: - Category listing

    func testCategoryPagingFetchesAllPagesInOrder() async throws {
        let server = try startServer(try pagedHandler())
        let reports = ProgressLog()
        let papers = try await client(server).fetch(category: "cs.CL", from: "2023-10-02", to: "2023-10-08") { fetched, total in
            reports.append(fetched, total)
        }
        XCTAssertEqual(papers.map(\.id), ["2310.01011", "2310.01532", "2310.02290", "2310.03777", "2310.05120"])
        XCTAssertTrue(papers.allSatisfy { $0.source == .atom })

        let requests = server.requests
        XCTAssertEqual(requests.map { $0.query["start"] }, ["0", "2", "4"])
        for request in requests {
            XCTAssertEqual(request.path, "/api/query")
            XCTAssertEqual(request.query["search_query"], query)
            XCTAssertEqual(request.query["max_results"], "2")
            XCTAssertEqual(request.query["sortBy"], "submittedDate")
            XCTAssertEqual(request.query["sortOrder"], "ascending")
            // Spaces, ':' and brackets are percent-encoded on the wire.
            XCTAssertTrue(request.target.contains(encodedQuery), request.target)
            XCTAssertFalse(request.target.contains(" "))
        }
        XCTAssertEqual(reports.entries.map(\.fetched), [0, 2, 4, 5])
        XCTAssertEqual(reports.entries.last?.total, 5)
    }

    func testDelayIsKeptBetweenRequests() async throws {
        let server = try startServer(try pagedHandler())
        let papers = try await client(server, delay: .milliseconds(200)).fetch(category: "cs.CL", from: "2023-10-02", to: "2023-10-08")
        XCTAssertEqual(papers.count, 5)
        let times = server.requests.map(\.received)
        XCTAssertEqual(times.count, 3)
        for (earlier, later) in zip(times, times.dropFirst()) {
            XCTAssertGreaterThanOrEqual(earlier.duration(to: later), .milliseconds(200))
        }
    }

    func testEmptyPageBeforeTotalIsRetried() async throws {
        let page = try pagedHandler()
        let empty = try fixture("empty_page.xml")
        let served = Counter()
        let server = try startServer { request in
            // The second page comes back empty (with totalResults 0) twice, then normally.
            if request.query["start"] == "2" && served.next() < 2 {
                return .respond(status: 200, body: empty)
            }
            return page(request)
        }
        let papers = try await client(server).fetch(category: "cs.CL", from: "2023-10-02", to: "2023-10-08")
        XCTAssertEqual(papers.count, 5)
        XCTAssertEqual(server.requests.map { $0.query["start"] }, ["0", "2", "2", "2", "4"])
    }

    func testEmptyPageRetriesAreBounded() async throws {
        let page = try pagedHandler()
        let empty = try fixture("empty_page.xml")
        let server = try startServer { request in
            request.query["start"] == "2" ? .respond(status: 200, body: empty) : page(request)
        }
        var client = client(server)
        client.emptyPageRetries = 2
        let error = await expectError { _ = try await client.fetch(category: "cs.CL", from: "2023-10-02", to: "2023-10-08") }
        guard case .arxivAPI(_, let message)? = error else {
            return XCTFail("expected arxivAPI, got \(String(describing: error))")
        }
        XCTAssertTrue(message.contains("start=2 stayed empty after 3 attempts although totalResults is 5"), message)
        XCTAssertEqual(server.requests.map { $0.query["start"] }, ["0", "2", "2", "2"])
    }

    func testNoResultsIsAnEmptyList() async throws {
        let empty = try fixture("empty_page.xml")
        let server = try startServer { _ in .respond(status: 200, body: empty) }
        let papers = try await client(server).fetch(category: "hep-th", from: "2023-10-02", to: "2023-10-02")
        XCTAssertEqual(papers, [])
        XCTAssertEqual(server.requests.count, 1)
        XCTAssertEqual(server.requests.first?.query["search_query"], "cat:hep-th AND submittedDate:[202310020000 TO 202310022359]")
    }

    // MARK: - Ids

    func testFetchByIDsKeepsHighestVersion() async throws {
        let body = try fixture("two_versions.xml")
        let server = try startServer { _ in .respond(status: 200, body: body) }
        let reports = ProgressLog()
        let papers = try await client(server).fetch(
            ids: ["2310.04417v1", "http://arxiv.org/abs/2310.04417", "cs/0501001", "2310.04417"]
        ) { fetched, total in
            reports.append(fetched, total)
        }
        XCTAssertEqual(papers.map(\.id), ["2310.04417", "cs/0501001"])
        XCTAssertEqual(papers.map(\.version), [2, 1])
        XCTAssertEqual(papers.first?.abstract, "Second version of the abstract.")

        let request = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(server.requests.count, 1)
        XCTAssertEqual(request.query["id_list"], "2310.04417v1,2310.04417,cs/0501001")
        XCTAssertEqual(request.query["max_results"], "3")
        XCTAssertEqual(request.query["start"], "0")
        XCTAssertTrue(request.target.contains("id_list=2310.04417v1,2310.04417,cs/0501001&"), request.target)
        XCTAssertEqual(reports.entries.last?.total, 3)
    }

    func testIDsAreBatched() async throws {
        let body = try fixture("single_id.xml")
        let server = try startServer { _ in .respond(status: 200, body: body) }
        var client = client(server)
        client.idBatchSize = 2
        let papers = try await client.fetch(ids: ["2310.04417", "2310.00001", "2310.00002"])
        XCTAssertEqual(papers.map(\.id), ["2310.04417"])
        XCTAssertEqual(server.requests.map { $0.query["id_list"] }, ["2310.04417,2310.00001", "2310.00002"])
        XCTAssertEqual(server.requests.map { $0.query["max_results"] }, ["2", "1"])
    }

    func testInvalidIDFailsBeforeAnyRequest() async throws {
        let server = try startServer { _ in .respond(status: 500, body: Data()) }
        let error = await expectError { _ = try await self.client(server).fetch(ids: ["2310.04417", "not-an-id"]) }
        XCTAssertEqual(error, .invalidArxivID(value: "not-an-id"))
        XCTAssertEqual(server.requests.count, 0)
        let none = try await client(server).fetch(ids: [])
        XCTAssertEqual(none, [])
    }

    // MARK: - Failures

    func testAPIErrorFeedBecomesOneLineError() async throws {
        let body = try fixture("api_error.xml")
        // The real API sends its error feed with status 400; a 200 must give the same error.
        for status in [400, 200] {
            let server = try startServer { _ in .respond(status: status, body: body) }
            let error = await expectError { _ = try await self.client(server).fetch(ids: ["2310.04417"]) }
            guard case .arxivAPI(let url, let message)? = error else {
                XCTFail("status \(status): expected arxivAPI, got \(String(describing: error))")
                continue
            }
            XCTAssertEqual(message, "incorrect id format for 2310.0441")
            XCTAssertTrue(url.hasPrefix("http://127.0.0.1:\(server.port)/api/query?id_list=2310.04417"), url)
            let text = error?.description ?? ""
            XCTAssertTrue(text.hasSuffix(": incorrect id format for 2310.0441"), text)
            XCTAssertFalse(text.contains("\n"))
        }
    }

    func testHTTP500IsHTTPStatus() async throws {
        let server = try startServer { _ in .respond(status: 500, body: Data("<html>oops</html>".utf8)) }
        let error = await expectError { _ = try await self.client(server).fetch(category: "stat.ML", from: "2024-02-29", to: "2024-03-01") }
        guard case .httpStatus(let url, 500)? = error else {
            return XCTFail("expected httpStatus 500, got \(String(describing: error))")
        }
        XCTAssertTrue(url.hasPrefix("http://127.0.0.1:\(server.port)/api/query?search_query=cat%3Astat.ML"), url)
        XCTAssertEqual(error?.description, "HTTP 500 from \(url)")
    }

    func testConnectionRefusedIsOneLineNetworkError() async throws {
        let port = try LocalHTTPServer.closedPort()
        let client = ArxivAPIClient(baseURL: URL(string: "http://127.0.0.1:\(port)/api/query")!, delay: .zero, timeout: 5)
        let started = ContinuousClock.now
        let error = await expectError { _ = try await client.fetch(ids: ["2310.04417"]) }
        guard case .network(let url, let reason)? = error else {
            return XCTFail("expected network, got \(String(describing: error))")
        }
        XCTAssertTrue(url.hasPrefix("http://127.0.0.1:\(port)/api/query?"), url)
        XCTAssertEqual(reason, "cannot connect to host (connection refused or unreachable)")
        XCTAssertFalse(error?.description.contains("\n") ?? true)
        XCTAssertLessThan(started.duration(to: .now), .seconds(3))
    }

    func testTimeoutIsOneLineNetworkError() async throws {
        let server = try startServer { _ in .stall }
        let started = ContinuousClock.now
        // 0.4 s is rounded up to 1 s (libcurl's low-speed time counts whole seconds).
        let error = await expectError { _ = try await self.client(server, timeout: 0.4).fetch(ids: ["2310.04417"]) }
        XCTAssertEqual(error.flatMap { if case .network(_, let reason) = $0 { reason } else { nil } }, "timed out after 1 s")
        XCTAssertFalse(error?.description.contains("\n") ?? true)
        let elapsed = started.duration(to: .now)
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(900))
        XCTAssertLessThan(elapsed, .seconds(4))
    }

    func testMalformedResponseNamesTheURL() async throws {
        let body = try fixture("malformed.xml")
        let server = try startServer { _ in .respond(status: 200, body: body) }
        let error = await expectError { _ = try await self.client(server).fetch(ids: ["2310.04417"]) }
        guard case .malformedRecord(let path, 8, _)? = error else {
            return XCTFail("expected malformedRecord at line 8, got \(String(describing: error))")
        }
        XCTAssertTrue(path.hasPrefix("http://127.0.0.1:\(server.port)/api/query?"), path)
    }

    // MARK: - Validation (no requests)

    func testCategoryAndDateValidation() throws {
        XCTAssertEqual(try ArxivAPIClient.searchQuery(category: "cond-mat.stat-mech", from: "2024-02-29", to: "2024-02-29"),
                       "cat:cond-mat.stat-mech AND submittedDate:[202402290000 TO 202402292359]")
        for good in ["cs.CL", "stat.ML", "math.AG", "hep-th", "astro-ph.GA", "q-bio.NC"] {
            XCTAssertNoThrow(try ArxivAPIClient.searchQuery(category: good, from: "2023-10-02", to: "2023-10-08"), good)
        }
        for bad in ["", "cs CL", "CS.CL", "cs.CL OR cat:math", "cs.", ".CL", "cs.CL&x=1"] {
            XCTAssertThrowsError(try ArxivAPIClient.searchQuery(category: bad, from: "2023-10-02", to: "2023-10-08")) { error in
                XCTAssertEqual(error as? PaperSearchError, .invalidOption(
                    option: "--category", value: bad, expected: "an arXiv category such as cs.CL, stat.ML, math.AG or hep-th"))
            }
        }
        for bad in ["2023-02-29", "2023-13-01", "2023-00-10", "2023-04-31", "23-10-01", "2023-10-1", "2023/10/01", "1900-02-29"] {
            XCTAssertThrowsError(try ArxivAPIClient.searchQuery(category: "cs.CL", from: bad, to: "2023-10-08")) { error in
                XCTAssertEqual(error as? PaperSearchError, .invalidOption(option: "--from", value: bad, expected: "a calendar date YYYY-MM-DD"))
            }
        }
        XCTAssertNotNil(ArxivAPIClient.compactDay("2000-02-29"))
        XCTAssertThrowsError(try ArxivAPIClient.searchQuery(category: "cs.CL", from: "2023-10-08", to: "2023-10-02")) { error in
            XCTAssertEqual(error as? PaperSearchError, .invalidOption(option: "--to", value: "2023-10-02", expected: "a date on or after --from 2023-10-08"))
        }
    }

    func testPageSizeIsValidated() async throws {
        let server = try startServer { _ in .respond(status: 500, body: Data()) }
        let error = await expectError { _ = try await self.client(server, pageSize: 0).fetch(category: "cs.CL", from: "2023-10-02", to: "2023-10-08") }
        XCTAssertEqual(error, .invalidOption(option: "--page-size", value: "0", expected: "an integer from 1 to 2000"))
        XCTAssertEqual(server.requests.count, 0)
        let noTimeout = await expectError { _ = try await self.client(server, timeout: 0).fetch(ids: ["2310.04417"]) }
        XCTAssertEqual(noTimeout, .invalidOption(option: "--timeout", value: "0.0", expected: "a positive number of seconds"))
        XCTAssertEqual(server.requests.count, 0)
    }

    func testPercentEncoding() {
        XCTAssertEqual(ArxivAPIClient.percentEncode("cat:cs.CL AND submittedDate:[1 TO 2]"), "cat%3Acs.CL%20AND%20submittedDate%3A%5B1%20TO%202%5D")
        XCTAssertEqual(ArxivAPIClient.percentEncode("a+b&c=d#é"), "a%2Bb%26c%3Dd%23%C3%A9")
        XCTAssertEqual(ArxivAPIClient.percentEncode("2310.04417,cs/0501001"), "2310.04417,cs/0501001")
        XCTAssertEqual(ArxivAPIClient.defaultBaseURL.absoluteString, "https://export.arxiv.org/api/query")
    }
}

/// Progress reports collected from the client's `@Sendable` callback.
private final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [(fetched: Int, total: Int?)] = []

    func append(_ fetched: Int, _ total: Int?) {
        lock.lock()
        stored.append((fetched, total))
        lock.unlock()
    }

    var entries: [(fetched: Int, total: Int?)] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}

/// A thread-safe counter for handlers.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    /// Returns the current value, then increments it.
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}
