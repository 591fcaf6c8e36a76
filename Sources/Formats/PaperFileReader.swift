import Foundation
import Core

/// Reads the papers of one input file, one at a time.
///
/// JSON-lines formats (`.arxiv`, `.beir`) are streamed: memory stays flat whatever the
/// file size. Digests and Atom feeds are read whole (at most `wholeFileLimit` bytes
/// after decompression) and then handed out one by one.
///
/// Errors come in two kinds:
/// - record errors (`.malformedRecord`, `.missingField`, `.invalidUTF8`) name the path
///   and the 1-based line; after one, `next()` may be called again and continues with
///   the next record, so callers can skip and count invalid records;
/// - file errors (missing or unreadable file, corrupt gzip, unknown format, empty file)
///   are final: `next()` keeps throwing them.
///
/// ```swift
/// var reader = try PaperFileReader(path: "papers.jsonl.gz")
/// while let paper = try reader.next() { store(paper) }
/// ```
///
/// For digests, record errors name the paper's heading line, except `.invalidUTF8`,
/// which names the bad line itself. Copies of a reader share one open file, so read
/// through one copy only.
public struct PaperFileReader {
    /// The file being read, as given.
    public let path: String
    /// The format in use: the one passed to `init`, or the detected one.
    public let format: ImportFormat
    /// The id namespace for `.beir` files (`scifact` gives ids `scifact:4983`); nil for other formats.
    public let namespace: String?
    /// The digest's own date (`YYYY-MM-DD`, from the file name or the text before the
    /// first paper) for `.digest` files; nil otherwise. Papers' `published` stays nil.
    public let digestDate: String?
    /// Line of the record last returned or rejected (1-based; for digests the paper's
    /// heading line; 0 before the first record and for Atom feeds).
    public private(set) var currentLine: Int = 0

    /// Largest digest or Atom file accepted, in bytes after decompression.
    public static let wholeFileLimit = 64 * 1024 * 1024

    private let lines: LineReader?
    private var sawContent = false
    private var queue: [(line: Int, result: Result<Paper, PaperSearchError>)] = []
    private var queueIndex = 0
    private var finalError: PaperSearchError?

    /// Opens `path` and detects its format unless `format` is given.
    ///
    /// - Parameters:
    ///   - format: force a format instead of detecting it from the content.
    ///   - namespace: id namespace for `.beir` records; defaults to the lowercased name of
    ///     the file's parent directory (`scifact` for `data/scifact/corpus.jsonl`), or
    ///     `beir` when that name has no usable letters. Ignored for other formats.
    /// - Throws: `.fileNotFound`, `.unreadableFile`, `.truncatedGzip`, `.emptyFile`,
    ///   `.unknownFormat`, and `.invalidOption` for a namespace that does not match
    ///   `[a-z][a-z0-9_-]*`. Digests and Atom feeds are parsed here, so their file-level
    ///   errors come from `init`.
    public init(path: String, format: ImportFormat? = nil, namespace: String? = nil) throws {
        self.path = path
        let resolved = try format ?? ImportFormat.detect(path: path)
        self.format = resolved
        self.namespace = resolved == .beir ? try PaperFileReader.namespace(namespace, path: path) : nil
        switch resolved {
        case .arxiv, .beir:
            lines = try LineReader(path: path)
            digestDate = nil
        case .digest:
            lines = nil
            let digestLines = try PaperFileReader.readWhole(path: path, format: resolved).map {
                DigestParser.Line(number: $0.number, text: String(validating: $0.bytes, as: UTF8.self))
            }
            guard digestLines.contains(where: { $0.text.map { !$0.allSatisfy(\.isWhitespace) } ?? true }) else {
                throw PaperSearchError.emptyFile(path: path)
            }
            let entries = DigestParser.parse(lines: digestLines, path: path)
            guard !entries.isEmpty else {
                throw PaperSearchError.unknownFormat(
                    path: path,
                    expected: "a weekly digest with '<Japanese title> / <English title>' headings followed by 論文紹介, 論文要旨 and 論文リンク sections")
            }
            queue = entries.map { (line: $0.line, result: $0.result) }
            digestDate = DigestParser.date(fileName: (path as NSString).lastPathComponent, lines: digestLines)
        case .atom:
            lines = nil
            digestDate = nil
            var data = Data()
            for line in try PaperFileReader.readWhole(path: path, format: resolved) {
                guard String(validating: line.bytes, as: UTF8.self) != nil else {
                    throw PaperSearchError.invalidUTF8(path: path, line: line.number)
                }
                data.append(contentsOf: line.bytes)
                data.append(0x0A)
            }
            guard data.contains(where: { !($0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D)) }) else {
                throw PaperSearchError.emptyFile(path: path)
            }
            let feed = try AtomFeedParser.parse(data, path: path)
            queue = feed.papers.map { (line: 0, result: .success($0)) }
        }
    }

    /// The next paper, or nil at the end of the file.
    ///
    /// - Throws: a record error (call `next()` again to go on with the next record) or a
    ///   file error (final).
    public mutating func next() throws -> Paper? {
        if let finalError { throw finalError }
        let paper: Paper?
        if let lines {
            paper = try nextRecord(lines)
        } else {
            guard queueIndex < queue.count else { return nil }
            let entry = queue[queueIndex]
            queueIndex += 1
            currentLine = entry.line
            paper = try entry.result.get()
        }
        if let paper {
            try checkTextFields(paper)
            try checkNotInFuture(paper)
        }
        return paper
    }

    /// A NUL character (a JSON `\u0000`, a stray byte in a digest) is a record error: SQLite's
    /// C strings would cut the text at it; so is a tag with spaces, as `tags add` refuses
    /// (policies in the README, "Bad input, crashes and concurrent use").
    private func checkTextFields(_ paper: Paper) throws {
        // memchr over the contiguous UTF-8 (every decoded string is native): the generic
        // `utf8.contains(0)` walked the bytes one by one, 0.19 s of the import's reader thread.
        func hasNUL(_ text: String?) -> Bool {
            guard let text else { return false }
            return text.utf8.withContiguousStorageIfAvailable { bytes in
                guard let base = bytes.baseAddress, !bytes.isEmpty else { return false }
                return memchr(base, 0, bytes.count) != nil
            } ?? text.utf8.contains(0)
        }
        let field: String? =
            hasNUL(paper.id) ? "id"
            : hasNUL(paper.title) ? "title"
            : hasNUL(paper.abstract) ? "abstract"
            : hasNUL(paper.authors) ? "authors"
            : paper.categories.contains(where: { hasNUL($0) }) ? "categories"
            : paper.tags.contains(where: { hasNUL($0) }) ? "tags" : nil
        if let field {
            throw PaperSearchError.malformedRecord(
                path: path, line: currentLine,
                reason: "field '\(field)' of '\(paper.id)' contains a NUL character (U+0000), expected text without control characters")
        }
        for tag in paper.tags where tag.contains(where: { $0.isWhitespace }) {
            throw PaperSearchError.malformedRecord(
                path: path, line: currentLine,
                reason: "field 'tags' of '\(paper.id)' has '\(tag)', expected tags without spaces, e.g. rag or long-context")
        }
    }

    /// Latest accepted publication day: tomorrow (UTC), which allows for clock skew.
    private let latestPublished: String = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let tomorrow = Date().addingTimeInterval(86_400)
        let parts = calendar.dateComponents([.year, .month, .day], from: tomorrow)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }()

    /// A paper published after tomorrow is a record error (a typo or a broken converter, not
    /// a real arXiv record): policy in the README ("Bad input, crashes and concurrent use").
    private func checkNotInFuture(_ paper: Paper) throws {
        guard let published = paper.published, published.prefix(10) > latestPublished else { return }
        throw PaperSearchError.malformedRecord(
            path: path, line: currentLine,
            reason: "field 'published' of '\(paper.id)' is \(published.prefix(10)), a date in the future, expected a date up to \(latestPublished)")
    }

    // MARK: - JSON lines

    private mutating func nextRecord(_ lines: LineReader) throws -> Paper? {
        while true {
            let next: LineReader.Line?
            do {
                next = try lines.next()
            } catch let error as PaperSearchError {
                if case .malformedRecord(_, let line, _) = error {
                    // An over-long line: a record error, reading goes on after it.
                    currentLine = line
                    sawContent = true
                    throw error
                }
                finalError = error
                throw error
            }
            guard let line = next else {
                if !sawContent {
                    finalError = .emptyFile(path: path)
                    throw PaperSearchError.emptyFile(path: path)
                }
                return nil
            }
            currentLine = line.number
            if TextNormalizer.isBlank(line.bytes) { continue }
            sawContent = true
            guard PaperFileReader.isValidUTF8(line.bytes) else {
                throw PaperSearchError.invalidUTF8(path: path, line: line.number)
            }
            let record = try JSONRecord(bytes: line.bytes, path: path, line: line.number)
            switch format {
            case .beir:
                return try BEIRRecordDecoder.paper(from: record, namespace: namespace ?? "beir")
            default:
                return try ArxivRecordDecoder.paper(from: record)
            }
        }
    }

    // MARK: - Helpers

    /// Whether `bytes` is valid UTF-8: pure ASCII (checked 8 bytes at a time) is, anything
    /// else is checked by the standard library.
    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        let ascii = bytes.withUnsafeBytes { raw -> Bool in
            let count = raw.count
            var i = 0
            var any: UInt64 = 0
            while i + 8 <= count {
                any |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                i += 8
            }
            while i < count {
                any |= UInt64(raw[i])
                i += 1
            }
            return any & 0x8080_8080_8080_8080 == 0
        }
        return ascii || String(validating: bytes, as: UTF8.self) != nil
    }

    /// All lines of a whole-file format, refusing more than `wholeFileLimit` bytes.
    private static func readWhole(path: String, format: ImportFormat) throws -> [LineReader.Line] {
        let reader = try LineReader(path: path)
        var result: [LineReader.Line] = []
        var total = 0
        while let line = try reader.next() {
            total += line.bytes.count + 1
            if total > wholeFileLimit {
                throw PaperSearchError.unreadableFile(
                    path: path,
                    reason: "more than \(wholeFileLimit / (1024 * 1024)) MiB of text, the limit for \(format.rawValue) files")
            }
            result.append(line)
        }
        return result
    }

    /// The validated `namespace`, or one derived from the parent directory's name.
    private static func namespace(_ given: String?, path: String) throws -> String {
        if let given {
            guard ArxivID.isNamespaced(given + ":x"), !given.contains(":") else {
                throw PaperSearchError.invalidOption(
                    option: "--namespace", value: given, expected: "a lowercase name matching [a-z][a-z0-9_-]*, e.g. scifact")
            }
            return given
        }
        let directory = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().lastPathComponent
        var name = ""
        for scalar in directory.lowercased().unicodeScalars {
            let allowed = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
            if name.isEmpty && !("a"..."z").contains(scalar) { continue }
            name.unicodeScalars.append(allowed ? scalar : "-")
        }
        return name.isEmpty ? "beir" : name
    }
}
