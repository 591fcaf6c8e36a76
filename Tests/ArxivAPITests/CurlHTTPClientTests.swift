import Foundation
import XCTest
@testable import Core
@testable import ArxivAPI

/// The libcurl transport against `LocalHTTPServer` on 127.0.0.1 (nothing here reaches the internet).
final class CurlHTTPClientTests: XCTestCase {
    private func startServer(_ handler: @escaping LocalHTTPServer.Handler) throws -> LocalHTTPServer {
        let server = try LocalHTTPServer(handler: handler)
        addTeardownBlock { server.stop() }
        return server
    }

    private func requireLibcurl() throws {
        if let reason = CurlHTTPClient.unavailableReason() {
            throw XCTSkip("libcurl cannot be loaded here (\(reason)); install libcurl4")
        }
    }

    private let client = CurlHTTPClient(timeout: 5, userAgent: "papersearch tests")

    /// Awaits `body`, expecting `.network`, and returns its reason.
    private func networkReason(_ body: () async throws -> Void, file: StaticString = #filePath, line: UInt = #line) async -> String? {
        do {
            try await body()
            XCTFail("expected a network error", file: file, line: line)
        } catch PaperSearchError.network(_, let reason) {
            return reason
        } catch {
            XCTFail("unexpected error: \(error)", file: file, line: line)
        }
        return nil
    }

    func testOptionNumbersMatchTheLoadedLibcurl() throws {
        try requireLibcurl()
        // The CURLOPT_ numbers CCurl.c copies from curl.h, checked against libcurl's own option table.
        XCTAssertNil(CurlHTTPClient.optionConstantMismatch())
    }

    func testSendsHeadersAndReturnsStatusAndBody() async throws {
        try requireLibcurl()
        let server = try startServer { _ in .respond(status: 404, body: Data("not here".utf8)) }
        let response = try await client.get("http://127.0.0.1:\(server.port)/x?a=1", accept: "application/atom+xml")
        XCTAssertEqual(response.status, 404)
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "not here")
        let request = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(request.target, "/x?a=1")
        XCTAssertEqual(request.headers["accept"], "application/atom+xml")
        XCTAssertEqual(request.headers["user-agent"], "papersearch tests")
        // Compression is offered (libcurl lists what it can decode).
        XCTAssertTrue(request.headers["accept-encoding"]?.contains("gzip") ?? false, "\(request.headers)")
    }

    func testGzipBodyIsDecoded() async throws {
        try requireLibcurl()
        // gzip of "compressed body\n" three times (Python gzip, mtime 0).
        let gzip: [UInt8] = [31, 139, 8, 0, 0, 0, 0, 0, 2, 255, 75, 206, 207, 45, 40, 74, 45, 46, 78, 77, 81, 72, 202, 79,
                             169, 228, 74, 38, 192, 7, 0, 112, 142, 69, 6, 48, 0, 0, 0]
        let head = "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: \(gzip.count)\r\nConnection: close\r\n\r\n"
        let server = try startServer { _ in .raw(Data(head.utf8) + Data(gzip)) }
        let response = try await client.get("http://127.0.0.1:\(server.port)/", accept: "*/*")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), String(repeating: "compressed body\n", count: 3))
    }

    func testFollowsRedirects() async throws {
        try requireLibcurl()
        let server = try startServer { request in
            if request.path == "/old" {
                return .raw(Data("HTTP/1.1 301 Moved\r\nLocation: /new?b=2\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
            }
            return .respond(status: 200, body: Data("moved here".utf8))
        }
        let response = try await client.get("http://127.0.0.1:\(server.port)/old", accept: "*/*")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "moved here")
        XCTAssertEqual(server.requests.map(\.target), ["/old", "/new?b=2"])
    }

    func testRedirectToAnotherProtocolIsRefused() async throws {
        try requireLibcurl()
        let server = try startServer { _ in
            .raw(Data("HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
        }
        let reason = await networkReason { _ = try await self.client.get("http://127.0.0.1:\(server.port)/", accept: "*/*") }
        XCTAssertEqual(reason, "bad redirect")
    }

    func testCutOffBodyIsConnectionLost() async throws {
        try requireLibcurl()
        let server = try startServer { _ in
            .raw(Data("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n<feed>".utf8))
        }
        let reason = await networkReason { _ = try await self.client.get("http://127.0.0.1:\(server.port)/", accept: "*/*") }
        XCTAssertEqual(reason, "connection lost")
    }

    func testEmptyOrGarbageReplyIsBadServerResponse() async throws {
        try requireLibcurl()
        for reply in ["", "this is not HTTP\r\n\r\n"] {
            let server = try startServer { _ in .raw(Data(reply.utf8)) }
            let reason = await networkReason { _ = try await self.client.get("http://127.0.0.1:\(server.port)/", accept: "*/*") }
            XCTAssertEqual(reason, "bad server response", "reply \(reply.debugDescription)")
        }
    }

    func testCancellingTheTaskAbortsTheTransfer() async throws {
        try requireLibcurl()
        let server = try startServer { _ in .stall }
        let slow = CurlHTTPClient(timeout: 60, userAgent: "papersearch tests")
        let started = ContinuousClock.now
        let task = Task { try await slow.get("http://127.0.0.1:\(server.port)/", accept: "*/*") }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("expected CancellationError")
        } catch is CancellationError {
            // The transfer stopped because of the cancel, long before its 60 s timeout.
            XCTAssertLessThan(started.duration(to: .now), .seconds(30))
        }
    }

    func testReasonsAreOneLine() {
        let reason = { (code: Int, detail: String) in CurlHTTPClient.reason(code: code, detail: detail, timeout: 7) }
        XCTAssertEqual(reason(28, "Operation too slow. Less than 1 bytes/sec transferred the last 7 seconds"), "timed out after 7 s")
        XCTAssertEqual(reason(7, "Failed to connect to 127.0.0.1 port 1: Connection refused"),
                       "cannot connect to host (connection refused or unreachable)")
        XCTAssertEqual(reason(6, "Could not resolve host: export.arxiv.org"), "cannot resolve host name")
        XCTAssertEqual(reason(60, "SSL certificate problem: unable to get local issuer certificate"), "TLS connection failed")
        XCTAssertEqual(reason(35, ""), "TLS connection failed")
        XCTAssertEqual(reason(56, "Recv failure: Connection reset by peer"), "connection lost")
        XCTAssertEqual(reason(52, "Empty reply from server"), "bad server response")
        XCTAssertEqual(reason(1, "Received HTTP/0.9 when not allowed"), "bad server response")
        XCTAssertEqual(reason(1, "Protocol \"ftp\" not supported"), "unsupported URL")
        XCTAssertEqual(CurlHTTPClient.reason(code: 1, detail: "Protocol \"file\" not supported", timeout: 7, status: 302), "bad redirect")
        XCTAssertEqual(reason(47, "Maximum (10) redirects followed"), "bad redirect")
        XCTAssertEqual(reason(61, "Error while processing content unencoding"), "unusable response body")
        XCTAssertEqual(reason(23, "out of memory"), "out of memory for the response")
        XCTAssertEqual(reason(97, "proxy\nhandshake failed"), "libcurl error 97: proxy handshake failed")
        XCTAssertEqual(reason(999, ""), "libcurl error 999")
        XCTAssertEqual(reason(-1, "libcurl.so.4: cannot open shared object file: No such file or directory"),
                       "libcurl is not available (libcurl.so.4: cannot open shared object file: No such file or directory); install the libcurl4 package (Scripts/install-deps.sh)")
    }
}
