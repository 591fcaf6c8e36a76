import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port) for client tests; never touches the internet.
///
/// Accepts connections on a background thread, reads one GET per connection, records it, asks the
/// handler what to do, answers with `Connection: close` and closes. A `.stall` action keeps the
/// connection open without answering (for timeout tests) until `stop()`. Always call `stop()`
/// (the accept thread keeps the server alive until then).
final class LocalHTTPServer: @unchecked Sendable {
    /// One request as received.
    struct Request: Sendable {
        /// The raw request target, e.g. `/api/query?id_list=2310.04417&start=0`.
        let target: String
        let path: String
        /// Query parameters, percent-decoded (`+` as space).
        let query: [String: String]
        /// Request headers by lowercased name (the last one wins).
        let headers: [String: String]
        let received: ContinuousClock.Instant
    }

    /// What to do with a request.
    enum Action: Sendable {
        case respond(status: Int, body: Data)
        /// Never answer (the connection stays open until `stop()`).
        case stall
        /// Send these bytes as the whole answer (status line and headers included), then close.
        case raw(Data)
    }

    typealias Handler = @Sendable (Request) -> Action

    let port: UInt16
    /// `http://127.0.0.1:PORT/api/query`.
    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/api/query")! }

    private let listenFD: Int32
    private let handler: Handler
    private let lock = NSLock()
    private var recorded: [Request] = []
    private var stalled: [Int32] = []
    private var stopped = false
    private let acceptLoopDone = DispatchSemaphore(value: 0)

    /// Starts listening at once.
    init(handler: @escaping Handler) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError.socket("socket", errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        do {
            try Self.bindLoopback(fd)
            guard listen(fd, 16) == 0 else { throw ServerError.socket("listen", errno) }
            self.port = try Self.boundPort(fd)
        } catch {
            close(fd)
            throw error
        }
        self.listenFD = fd
        let thread = Thread { [self] in
            self.acceptLoop()
            self.acceptLoopDone.signal()
        }
        thread.name = "LocalHTTPServer"
        thread.start()
    }

    /// Requests received so far, in arrival order.
    var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    /// Stops accepting, waits for the accept thread to end and closes every socket. Idempotent.
    func stop() {
        lock.lock()
        if stopped {
            lock.unlock()
            return
        }
        stopped = true
        lock.unlock()
        // shutdown() wakes a thread blocked in accept() on Linux (accept then fails with EINVAL).
        shutdown(listenFD, Int32(SHUT_RDWR))
        acceptLoopDone.wait()
        close(listenFD)
        lock.lock()
        let open = stalled
        stalled = []
        lock.unlock()
        for fd in open {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    /// A loopback port nobody listens on (bound once, then closed): connecting to it is refused.
    static func closedPort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError.socket("socket", errno) }
        defer { close(fd) }
        try bindLoopback(fd)
        return try boundPort(fd)
    }

    enum ServerError: Error {
        case socket(String, Int32)
    }

    // MARK: - Internals

    private static func bindLoopback(_ fd: Int32) throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(0).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian  // 127.0.0.1
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw ServerError.socket("bind", errno) }
    }

    private static func boundPort(_ fd: Int32) throws -> UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0 else { throw ServerError.socket("getsockname", errno) }
        return UInt16(bigEndian: address.sin_port)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listenFD, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return  // listening socket shut down
            }
            serve(connection)
        }
    }

    private func serve(_ fd: Int32) {
        // Do not wait forever for a client that never sends its headers.
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let head = readHead(fd), let request = parse(head) else {
            close(fd)
            return
        }
        lock.lock()
        recorded.append(request)
        lock.unlock()
        switch handler(request) {
        case .stall:
            lock.lock()
            stalled.append(fd)
            lock.unlock()
        case .respond(let status, let body):
            let header = "HTTP/1.1 \(status) \(status == 200 ? "OK" : "Error")\r\n"
                + "Content-Type: application/atom+xml; charset=utf-8\r\n"
                + "Content-Length: \(body.count)\r\n"
                + "Connection: close\r\n\r\n"
            sendAll(fd, Data(header.utf8) + body)
            shutdown(fd, Int32(SHUT_WR))
            close(fd)
        case .raw(let bytes):
            sendAll(fd, bytes)
            shutdown(fd, Int32(SHUT_WR))
            close(fd)
        }
    }

    /// Reads up to the blank line that ends the request head (GET requests carry no body).
    private func readHead(_ fd: Int32) -> String? {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        let terminator: [UInt8] = [13, 10, 13, 10]
        while buffer.count < 65_536 {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count <= 0 { return nil }
            buffer.append(contentsOf: chunk[0..<count])
            if buffer.count >= 4, (0...(buffer.count - 4)).contains(where: { Array(buffer[$0..<($0 + 4)]) == terminator }) {
                return String(decoding: buffer, as: UTF8.self)
            }
        }
        return nil
    }

    private func parse(_ head: String) -> Request? {
        let lines = head.components(separatedBy: "\r\n")
        guard let requestLine = lines.first else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let parts = requestLine.split(separator: " ")
        guard parts.count == 3, parts[0] == "GET" else { return nil }
        let target = String(parts[1])
        let pieces = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [String: String] = [:]
        if pieces.count == 2 {
            for pair in pieces[1].split(separator: "&") {
                let nameValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let decode = { (text: Substring) in
                    text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
                }
                query[decode(nameValue[0])] = nameValue.count == 2 ? decode(nameValue[1]) : ""
            }
        }
        return Request(target: target, path: String(pieces[0]), query: query, headers: headers, received: ContinuousClock.now)
    }

    private func sendAll(_ fd: Int32, _ data: Data) {
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let sent = send(fd, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return }
                offset += sent
            }
        }
    }
}
