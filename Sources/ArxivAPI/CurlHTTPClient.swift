import CCurl
import Dispatch
import Foundation
import Core
import Formats

/// Blocking HTTP GETs through libcurl, which is loaded only when the first request is made
/// (`dlopen("libcurl.so.4")` in the C target `CCurl`). papersearch does not link libcurl, so a query
/// never loads it and its dependencies; the runtime package is `libcurl4` (Scripts/install-deps.sh).
///
/// - Follows redirects (http and https only), accepts compressed bodies, sends no signals.
/// - `timeout` is an idle timeout: a request fails when connecting, or receiving, stalls for that long.
/// - Failures become one-line `PaperSearchError.network` reasons (see `reason(code:detail:timeout:)`).
/// - The transfer runs on a Dispatch worker thread, so the awaiting task's thread is not blocked;
///   cancelling the task aborts the transfer within about a second and throws `CancellationError`.
struct CurlHTTPClient: Sendable {
    /// One HTTP response: the status of the final response (after redirects) and its decoded body.
    struct Response: Sendable {
        let status: Int
        let body: Data
    }

    /// Seconds without progress before a request is abandoned; whole seconds, at least 1 (libcurl's
    /// low-speed time has a resolution of one second).
    let timeout: Int
    /// `User-Agent` header.
    let userAgent: String

    init(timeout: Int, userAgent: String) {
        self.timeout = max(1, timeout)
        self.userAgent = userAgent
    }

    /// GETs `url` with `Accept: accept`.
    /// - Throws: `.network(url:reason:)` when no HTTP response arrives, `CancellationError` when the task
    ///   is cancelled. Any HTTP status is a response, not an error.
    func get(_ url: String, accept: String) async throws -> Response {
        let flag = CancelFlag()
        let timeout = self.timeout
        let userAgent = self.userAgent
        let outcome: Result<Response, PaperSearchError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                DispatchQueue.global(qos: .userInitiated).async {
                    continuation.resume(returning: Self.perform(url, accept: accept, userAgent: userAgent,
                                                                timeout: timeout, cancel: flag))
                }
            }
        } onCancel: {
            flag.cancel()
        }
        try Task.checkCancellation()
        return try outcome.get()
    }

    /// The blocking transfer (runs on a worker thread).
    private static func perform(
        _ url: String, accept: String, userAgent: String, timeout: Int, cancel: CancelFlag
    ) -> Result<Response, PaperSearchError> {
        var response = ccurl_response()
        let code = ccurl_get(url, accept, userAgent, timeout, cancel.pointer, &response)
        defer { ccurl_response_free(&response) }
        let detail = withUnsafeBytes(of: response.error) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        guard code == 0 else {
            let reason = reason(code: Int(code), detail: response.body_overflow != 0 ? "out of memory" : detail,
                                timeout: timeout, status: response.status)
            return .failure(.network(url: url, reason: reason))
        }
        guard response.status > 0 else {
            return .failure(.network(url: url, reason: "not an HTTP response"))
        }
        let body = response.body.map { Data(bytes: $0, count: response.body_length) } ?? Data()
        return .success(Response(status: response.status, body: body))
    }

    /// A short one-line reason for a failed transfer, from libcurl's error code (`CURLcode`, curl.h).
    ///
    /// - Parameters:
    ///   - code: the `CURLcode`, or `CCURL_NO_LIBRARY` (-1) when libcurl could not be loaded.
    ///   - detail: libcurl's own one-line message (or the loader's), used for codes not named here.
    ///   - timeout: the idle timeout, quoted by the timeout reason.
    ///   - status: the HTTP status received before the failure (a 3xx means a redirect was refused), else 0.
    static func reason(code: Int, detail: String, timeout: Int, status: Int = 0) -> String {
        let detail = AtomFeedParser.collapseWhitespace(detail)
        switch code {
        case Int(CCURL_NO_LIBRARY):
            return "libcurl is not available (\(detail)); install the libcurl4 package (Scripts/install-deps.sh)"
        case 28: // CURLE_OPERATION_TIMEDOUT (connect timeout or low-speed limit)
            return "timed out after \(timeout) s"
        case 5, 6: // CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_RESOLVE_HOST
            return "cannot resolve host name"
        case 7: // CURLE_COULDNT_CONNECT
            return "cannot connect to host (connection refused or unreachable)"
        case 45: // CURLE_INTERFACE_FAILED
            return "no network connection"
        case 18, 55, 56: // CURLE_PARTIAL_FILE, CURLE_SEND_ERROR, CURLE_RECV_ERROR
            return "connection lost"
        case 35, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91, 98:
            // CURLE_SSL_CONNECT_ERROR, _SSL_ENGINE_*, _SSL_CERTPROBLEM, _SSL_CIPHER, _PEER_FAILED_VERIFICATION,
            // _USE_SSL_FAILED, _SSL_CACERT_BADFILE, _SSL_SHUTDOWN_FAILED, _SSL_CRL_BADFILE, _SSL_ISSUER_ERROR,
            // _SSL_PINNEDPUBKEYNOTMATCH, _SSL_INVALIDCERTSTATUS, _SSL_CLIENTCERT
            return "TLS connection failed"
        case 8, 16, 52, 92: // CURLE_WEIRD_SERVER_REPLY, CURLE_HTTP2, CURLE_GOT_NOTHING, CURLE_HTTP2_STREAM
            return "bad server response"
        case 42: // CURLE_ABORTED_BY_CALLBACK (our cancel flag)
            return "cancelled"
        case 1 where (300..<400).contains(status): // CURLE_UNSUPPORTED_PROTOCOL: redirect to e.g. file:// refused
            return "bad redirect"
        case 1 where detail.contains("HTTP/0.9"): // CURLE_UNSUPPORTED_PROTOCOL: a reply without an HTTP status line
            return "bad server response"
        case 1, 3: // CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT
            return "unsupported URL"
        case 47: // CURLE_TOO_MANY_REDIRECTS
            return "bad redirect"
        case 61: // CURLE_BAD_CONTENT_ENCODING
            return "unusable response body"
        case 23, 27: // CURLE_WRITE_ERROR (our body buffer), CURLE_OUT_OF_MEMORY
            return "out of memory for the response"
        default:
            return detail.isEmpty ? "libcurl error \(code)" : "libcurl error \(code): \(detail)"
        }
    }

    /// Whether libcurl can be loaded; nil when it can, else the reason.
    static func unavailableReason() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard ccurl_available(&buffer, buffer.count) == 0 else { return nil }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Compares the CURLOPT numbers CCurl defines with the loaded libcurl's option table: nil when they
    /// all match (or the table is unavailable: see `unavailableReason`), else the mismatch.
    static func optionConstantMismatch() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard ccurl_check_constants(&buffer, buffer.count) == 1 else { return nil }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A flag the transfer thread polls (through libcurl's progress callback) and a cancelled task sets.
/// The C side reads and writes it atomically; Swift only hands out the pointer.
private final class CancelFlag: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Int32>

    init() {
        pointer = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        pointer.initialize(to: 0)
    }

    func cancel() {
        ccurl_cancel(pointer)
    }

    deinit {
        pointer.deallocate()
    }
}
