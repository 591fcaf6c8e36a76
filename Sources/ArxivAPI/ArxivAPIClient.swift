import Foundation
import Core
import Formats

/// Client of the arXiv query API (`https://export.arxiv.org/api/query`, documented at
/// https://info.arxiv.org/help/api/user-manual.html).
///
/// - Fetches papers by id (`id_list=`, batched) or by category and submission-date range
///   (`search_query=cat:… AND submittedDate:[… TO …]`, paged with `start`/`max_results`).
/// - Waits `delay` between consecutive requests (the API's terms ask for 3 s).
/// - Retries a page that comes back empty before `totalResults` is reached (a known API glitch).
/// - Reports failures as one-line `PaperSearchError`s: `.network`, `.httpStatus`, `.arxivAPI`.
/// - Talks HTTP through `CurlHTTPClient` (libcurl, loaded only when a request is made).
///
/// Papers come back deduplicated by id (the highest version wins), in the order first seen.
public struct ArxivAPIClient: Sendable {
    /// Progress report: papers fetched so far and, when known, how many there are in total.
    public typealias Progress = @Sendable (_ fetched: Int, _ total: Int?) -> Void

    /// `https://export.arxiv.org/api/query`.
    public static let defaultBaseURL: URL = {
        var components = URLComponents()
        components.scheme = "https"
        components.host = "export.arxiv.org"
        components.path = "/api/query"
        // The components above are constant and valid, so `url` is never nil; the fallback only satisfies the type.
        return components.url ?? URL(fileURLWithPath: "/api/query")
    }()

    /// The largest `max_results` the API serves in one call.
    public static let maxPageSize = 2000

    /// Endpoint of the query API (tests point this at a local `http://127.0.0.1:PORT/api/query`).
    public var baseURL: URL
    /// `max_results` per page of a category listing (1...2000).
    public var pageSize: Int
    /// How many ids go into one `id_list` request.
    public var idBatchSize: Int
    /// Pause between two consecutive requests.
    public var delay: Duration
    /// Per-request timeout in seconds: how long a request may go without receiving data. Rounded up
    /// to whole seconds (at least 1), because libcurl's low-speed time counts whole seconds.
    public var timeout: Double
    /// How many times an unexpectedly empty page is asked for again before giving up.
    public var emptyPageRetries: Int

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - baseURL: the query endpoint; `http` is accepted too (for local test servers).
    ///   - pageSize: results per page of a category listing (the API allows at most 2000).
    ///   - idBatchSize: ids per `id_list` request.
    ///   - delay: wait between consecutive requests (3 s per the API's terms of use).
    ///   - timeout: seconds without data before a request is abandoned (whole seconds, at least 1).
    ///   - emptyPageRetries: retries of a page that comes back empty too early.
    public init(
        baseURL: URL = ArxivAPIClient.defaultBaseURL, pageSize: Int = 100, idBatchSize: Int = 100,
        delay: Duration = .seconds(3), timeout: Double = 30, emptyPageRetries: Int = 3
    ) {
        self.baseURL = baseURL
        self.pageSize = pageSize
        self.idBatchSize = idBatchSize
        self.delay = delay
        self.timeout = timeout
        self.emptyPageRetries = emptyPageRetries
    }

    // MARK: - Operations

    /// Fetches the given papers by arXiv id.
    ///
    /// Ids may carry a version (`2309.17453v1` asks for that version) or be URLs; each is checked with
    /// `ArxivID.parse`. Ids the API does not know are simply absent from the result.
    /// - Throws: `.invalidArxivID` for a bad id (before any request), `.network`, `.httpStatus`, `.arxivAPI`,
    ///   or a parse error of a response.
    public func fetch(ids: [String], progress: Progress = { _, _ in }) async throws -> [Paper] {
        var requested: [String] = []
        for raw in ids {
            guard let parsed = ArxivID.parse(raw) else {
                throw PaperSearchError.invalidArxivID(value: raw)
            }
            let normalized = parsed.version.map { "\(parsed.id)v\($0)" } ?? parsed.id
            if !requested.contains(normalized) {
                requested.append(normalized)
            }
        }
        guard !requested.isEmpty else { return [] }
        let batchSize = try Self.checkRange(idBatchSize, option: "--batch-size", in: 1...Self.maxPageSize)
        let timeout = try effectiveTimeout()

        let http = CurlHTTPClient(timeout: timeout, userAgent: Self.userAgent)
        var pacer = RequestPacer(delay: delay)
        var papers: [Paper] = []
        progress(0, requested.count)
        for batchStart in stride(from: 0, to: requested.count, by: batchSize) {
            let batch = Array(requested[batchStart..<min(batchStart + batchSize, requested.count)])
            let url = try queryURL([
                ("id_list", batch.joined(separator: ",")),
                ("start", "0"),
                ("max_results", String(batch.count)),
            ])
            try await pacer.wait()
            defer { pacer.finished() }
            let feed = try await get(url, http: http)
            papers.append(contentsOf: feed.papers)
            progress(min(Self.deduplicate(papers).count, requested.count), requested.count)
        }
        return Self.deduplicate(papers)
    }

    /// Fetches every paper of a category (primary or cross-listed) submitted between two days, inclusive.
    ///
    /// - Parameters:
    ///   - category: an arXiv category such as `cs.CL`, `stat.ML`, `math.AG` or `hep-th`.
    ///   - from: first day, `YYYY-MM-DD` (UTC, from 00:00).
    ///   - to: last day, `YYYY-MM-DD` (UTC, up to 23:59), not before `from`.
    /// - Throws: `.invalidOption` for a bad category, date or page size (before any request),
    ///   `.network`, `.httpStatus`, `.arxivAPI` (also when a page stays empty after the retries),
    ///   or a parse error of a response.
    public func fetch(category: String, from: String, to: String, progress: Progress = { _, _ in }) async throws -> [Paper] {
        let query = try Self.searchQuery(category: category, from: from, to: to)
        let pageSize = try Self.checkRange(self.pageSize, option: "--page-size", in: 1...Self.maxPageSize)
        let timeout = try effectiveTimeout()

        let http = CurlHTTPClient(timeout: timeout, userAgent: Self.userAgent)
        var pacer = RequestPacer(delay: delay)
        var papers: [Paper] = []
        var start = 0
        var total: Int?
        var emptyAttempts = 0
        progress(0, nil)
        while total.map({ start < $0 }) ?? true {
            let url = try queryURL([
                ("search_query", query),
                ("sortBy", "submittedDate"),
                ("sortOrder", "ascending"),
                ("start", String(start)),
                ("max_results", String(pageSize)),
            ])
            try await pacer.wait()
            defer { pacer.finished() }
            let feed = try await get(url, http: http)
            if feed.papers.isEmpty {
                // An empty page before the known total is the API's glitch (it then often also says
                // totalResults 0): ask again. On the first page, the page's own total decides.
                let expected = total ?? feed.totalResults ?? 0
                guard start < expected else { break }
                emptyAttempts += 1
                if emptyAttempts > emptyPageRetries {
                    throw PaperSearchError.arxivAPI(
                        url: url.absoluteString,
                        message: "page at start=\(start) stayed empty after \(emptyAttempts) attempts although totalResults is \(expected) (\(papers.count) papers fetched); try again later")
                }
                continue
            }
            emptyAttempts = 0
            papers.append(contentsOf: feed.papers)
            start += feed.papers.count
            total = feed.totalResults ?? total
            progress(papers.count, total)
            // Without OpenSearch numbers, a short page is the last one.
            if total == nil && feed.papers.count < pageSize {
                break
            }
        }
        return Self.deduplicate(papers)
    }

    // MARK: - Validation and query building

    /// `cat:cs.CL AND submittedDate:[202310020000 TO 202310082359]` after checking every part.
    static func searchQuery(category: String, from: String, to: String) throws -> String {
        guard category.range(of: #"^[a-z]+(-[a-z]+)*(\.[A-Za-z]+(-[A-Za-z]+)*)?$"#, options: .regularExpression) != nil else {
            throw PaperSearchError.invalidOption(
                option: "--category", value: category, expected: "an arXiv category such as cs.CL, stat.ML, math.AG or hep-th")
        }
        guard let fromDay = compactDay(from) else {
            throw PaperSearchError.invalidOption(option: "--from", value: from, expected: "a calendar date YYYY-MM-DD")
        }
        guard let toDay = compactDay(to) else {
            throw PaperSearchError.invalidOption(option: "--to", value: to, expected: "a calendar date YYYY-MM-DD")
        }
        guard fromDay <= toDay else {
            throw PaperSearchError.invalidOption(option: "--to", value: to, expected: "a date on or after --from \(from)")
        }
        return "cat:\(category) AND submittedDate:[\(fromDay)0000 TO \(toDay)2359]"
    }

    /// `2023-10-02` -> `20231002` when it is a real calendar date (Gregorian leap years), else nil.
    static func compactDay(_ text: String) -> String? {
        guard text.range(of: #"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"#, options: .regularExpression) != nil else { return nil }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        let (year, month, day) = (parts[0], parts[1], parts[2])
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...daysInMonth[month - 1]).contains(day) else { return nil }
        return text.replacingOccurrences(of: "-", with: "")
    }

    private static func checkRange(_ value: Int, option: String, in range: ClosedRange<Int>) throws -> Int {
        guard range.contains(value) else {
            throw PaperSearchError.invalidOption(
                option: option, value: String(value), expected: "an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// Characters left as they are in a query value: RFC 3986 unreserved, plus `,` and `/` (legal in a
    /// query and readable in `id_list=2309.17453,cs/0501001`). Everything else, including `:`, `[`, `]`,
    /// space, `&`, `=` and `+`, is percent-encoded as UTF-8.
    private static let queryValueAllowed: CharacterSet = {
        var set = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        set.insert(charactersIn: ",/")
        return set
    }()

    /// Percent-encodes one query name or value.
    static func percentEncode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: queryValueAllowed) ?? value
    }

    /// `baseURL?name=value&…` with every name and value percent-encoded.
    func queryURL(_ items: [(String, String)]) throws -> URL {
        let query = items.map { "\(Self.percentEncode($0.0))=\(Self.percentEncode($0.1))" }.joined(separator: "&")
        guard var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false) else {
            throw PaperSearchError.invalidOption(option: "--api-url", value: baseURL.absoluteString, expected: "an http(s) URL")
        }
        components.percentEncodedQuery = query
        guard let url = components.url, ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
            throw PaperSearchError.invalidOption(option: "--api-url", value: baseURL.absoluteString, expected: "an http(s) URL")
        }
        return url
    }

    // MARK: - HTTP

    /// `User-Agent` of every request.
    static let userAgent = "papersearch (arXiv API client)"

    /// `timeout` rounded up to whole seconds, at least 1 (see `timeout`).
    private func effectiveTimeout() throws -> Int {
        guard timeout.isFinite, timeout > 0 else {
            throw PaperSearchError.invalidOption(option: "--timeout", value: String(timeout), expected: "a positive number of seconds")
        }
        // Finite and positive; capped at a day so the conversion to Int cannot overflow.
        return Int(min(86_400, max(1, timeout.rounded(.up))))
    }

    /// One GET: network failures -> `.network`, non-200 -> `.httpStatus` (or `.arxivAPI` when the body is
    /// the API's error feed), 200 -> the parsed feed (error feed -> `.arxivAPI`).
    private func get(_ url: URL, http: CurlHTTPClient) async throws -> AtomFeed {
        let response = try await http.get(url.absoluteString, accept: "application/atom+xml")
        guard response.status == 200 else {
            // The API sends its error feed with a 400 status; its message says more than the number.
            if let apiError = Self.apiError(in: response.body, url: url) {
                throw apiError
            }
            throw PaperSearchError.httpStatus(url: url.absoluteString, status: response.status)
        }
        return try AtomFeedParser.parse(response.body, path: url.absoluteString)
    }

    /// The `.arxivAPI` error when `data` is the API's error feed, else nil.
    private static func apiError(in data: Data, url: URL) -> PaperSearchError? {
        do {
            _ = try AtomFeedParser.parse(data, path: url.absoluteString)
        } catch let error as PaperSearchError {
            if case .arxivAPI = error {
                return error
            }
        } catch {}
        return nil
    }

    /// Keeps one paper per id: the highest version (a known version beats none), at the position the id
    /// was first seen.
    static func deduplicate(_ papers: [Paper]) -> [Paper] {
        var result: [Paper] = []
        var position: [String: Int] = [:]
        for paper in papers {
            if let index = position[paper.id] {
                if (paper.version ?? 0) > (result[index].version ?? 0) {
                    result[index] = paper
                }
            } else {
                position[paper.id] = result.count
                result.append(paper)
            }
        }
        return result
    }
}

/// Enforces the pause between consecutive requests: a request starts no earlier than `delay` after
/// the previous one finished.
private struct RequestPacer {
    let delay: Duration
    private let clock = ContinuousClock()
    private var lastFinished: ContinuousClock.Instant?

    init(delay: Duration) {
        self.delay = delay
    }

    /// Call right before a request: sleeps until `delay` has passed since the previous request finished.
    func wait() async throws {
        if let lastFinished {
            try await clock.sleep(until: lastFinished.advanced(by: delay))
        }
    }

    /// Call when a request has finished (successfully or not).
    mutating func finished() {
        lastFinished = clock.now
    }
}
