import Foundation
import Core

/// Parses the arXiv API's Atom responses (`export.arxiv.org/api/query`) into papers.
///
/// Reads the XML with `XMLEventReader` (strict, no DTDs or custom entities). Understood layout
/// (elements are matched by local name, so any namespace prefix works):
///
///     <feed xmlns="http://www.w3.org/2005/Atom">
///       <opensearch:totalResults>5</opensearch:totalResults>   (also startIndex, itemsPerPage)
///       <entry>
///         <id>http://arxiv.org/abs/2309.17453v2</id>
///         <published>2023-09-29T17:59:41Z</published> <updated>2023-10-02T08:00:00Z</updated>
///         <title>…</title> <summary>…</summary>
///         <author><name>…</name></author> …
///         <arxiv:primary_category term="cs.CL"/> <category term="cs.CL"/> <category term="cs.AI"/> …
///       </entry>
///     </feed>
///
/// The API reports failures as a feed with one entry whose id is `http://arxiv.org/api/errors#…`;
/// that becomes ``PaperSearchError/arxivAPI(url:message:)`` quoting the entry's summary.
public enum AtomFeedParser {
    /// Parses one Atom document.
    ///
    /// - Parameters:
    ///   - data: the raw XML bytes.
    ///   - path: where the bytes came from (file path or URL); only used in error messages.
    /// - Returns: the papers (source `.atom`) and the feed's OpenSearch paging numbers.
    /// - Throws: `.malformedRecord` for broken XML or a non-Atom document (with the parser's line),
    ///   `.missingField` for an entry without id, title or summary (line of the `<entry>`),
    ///   `.arxivAPI` for the API's error feed.
    public static func parse(_ data: Data, path: String) throws -> AtomFeed {
        guard data.contains(where: { !isXMLWhitespace($0) }) else {
            throw PaperSearchError.malformedRecord(path: path, line: 1, reason: "empty document, expected an arXiv API Atom feed")
        }
        var reader = try XMLEventReader(data, path: path)
        var collector = AtomCollector(path: path)
        reading: while true {
            switch try reader.next() {
            case .startElement(let element):
                try collector.start(element)
            case .endElement(_, let localName, _):
                try collector.end(localName)
            case .text(let text):
                collector.characters(text)
            case .endOfDocument:
                break reading
            }
        }
        guard collector.sawFeed else {
            throw PaperSearchError.malformedRecord(path: path, line: 1, reason: "no <feed> element, expected an arXiv API Atom feed")
        }
        return AtomFeed(
            papers: collector.papers,
            totalResults: collector.totalResults,
            startIndex: collector.startIndex,
            itemsPerPage: collector.itemsPerPage
        )
    }

    /// Collapses every run of whitespace (including newlines) into one space and trims the ends.
    package static func collapseWhitespace(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// `2023-10-02T17:59:41Z` -> `2023-10-02 17:59:41`; a bare date stays a date; anything else -> nil.
    /// The clock time is kept as written (arXiv entry times are UTC, suffix `Z`).
    static func timestamp(_ raw: String) -> String? {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let chars = Array(text.utf8)
        guard let date = day(raw), chars.count >= 19, chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: " ") else {
            return day(raw)
        }
        let time = String(decoding: chars[11..<19], as: UTF8.self)
        guard time.range(of: #"^[0-9]{2}:[0-9]{2}:[0-9]{2}$"#, options: .regularExpression) != nil else {
            return date
        }
        return "\(date) \(time)"
    }

    /// `2023-10-02T17:59:41Z` -> `2023-10-02`; anything not starting with `YYYY-MM-DD` -> nil.
    static func day(_ raw: String) -> String? {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let prefix = String(text.prefix(10))
        guard prefix.range(of: #"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"#, options: .regularExpression) != nil else {
            return nil
        }
        return prefix
    }

    private static func isXMLWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

/// Accumulates one feed from the reader's events; private to `AtomFeedParser`.
private struct AtomCollector {
    static let apiErrorPrefixes = ["http://arxiv.org/api/errors", "https://arxiv.org/api/errors"]

    let path: String
    var sawFeed = false
    var papers: [Paper] = []
    var totalResults: Int?
    var startIndex: Int?
    var itemsPerPage: Int?

    /// Local names of the open elements, outermost first.
    private var stack: [String] = []
    /// Text of the element being captured (nil when the current element's text is not wanted).
    private var text: String?
    private var entry: EntryFields?

    /// The fields of the `<entry>` being read.
    private struct EntryFields {
        var line: Int
        var id = ""
        var title = ""
        var summary = ""
        var published = ""
        var updated = ""
        var authors: [String] = []
        var primaryCategory: String?
        var categories: [String] = []
    }

    init(path: String) {
        self.path = path
    }

    mutating func start(_ element: XMLEventReader.Element) throws {
        let name = element.localName
        let parent = stack.last
        stack.append(name)
        text = nil
        if parent == nil {
            // The root must be an Atom feed; an HTML error page or other XML is not an arXiv answer.
            guard name == "feed" else {
                throw PaperSearchError.malformedRecord(
                    path: path, line: element.line, reason: "root element <\(element.qualifiedName)>, expected an arXiv API Atom <feed>")
            }
            sawFeed = true
            return
        }
        switch (parent, name) {
        case ("feed", "entry"):
            entry = EntryFields(line: element.line)
        case ("feed", "totalResults"), ("feed", "startIndex"), ("feed", "itemsPerPage"):
            text = ""
        case ("entry", "id"), ("entry", "title"), ("entry", "summary"), ("entry", "published"), ("entry", "updated"):
            text = ""
        case ("author", "name") where stack.dropLast(2).last == "entry":
            text = ""
        case ("entry", "primary_category"):
            if let term = element.attribute("term").map(AtomFeedParser.collapseWhitespace), !term.isEmpty {
                entry?.primaryCategory = term
            }
        case ("entry", "category"):
            if let term = element.attribute("term").map(AtomFeedParser.collapseWhitespace), !term.isEmpty {
                entry?.categories.append(term)
            }
        default:
            break
        }
    }

    mutating func characters(_ string: String) {
        text?.append(string)
    }

    mutating func end(_ localName: String) throws {
        stack.removeLast()
        let parent = stack.last
        let value = text ?? ""
        text = nil
        switch (parent, localName) {
        case ("feed", "totalResults"):
            totalResults = Int(value.trimmingCharacters(in: .whitespacesAndNewlines))
        case ("feed", "startIndex"):
            startIndex = Int(value.trimmingCharacters(in: .whitespacesAndNewlines))
        case ("feed", "itemsPerPage"):
            itemsPerPage = Int(value.trimmingCharacters(in: .whitespacesAndNewlines))
        case ("entry", "id"): entry?.id = value
        case ("entry", "title"): entry?.title = value
        case ("entry", "summary"): entry?.summary = value
        case ("entry", "published"): entry?.published = value
        case ("entry", "updated"): entry?.updated = value
        case ("author", "name"):
            let author = AtomFeedParser.collapseWhitespace(value)
            if !author.isEmpty {
                entry?.authors.append(author)
            }
        case ("feed", "entry"):
            if let fields = entry {
                try finishEntry(fields)
            }
            entry = nil
        default:
            break
        }
    }

    /// Turns one `<entry>` into a paper, or throws (API error entry, missing field, bad id).
    private mutating func finishEntry(_ fields: EntryFields) throws {
        let rawID = AtomFeedParser.collapseWhitespace(fields.id)
        let title = AtomFeedParser.collapseWhitespace(fields.title)
        let summary = AtomFeedParser.collapseWhitespace(fields.summary)
        if Self.apiErrorPrefixes.contains(where: { rawID.hasPrefix($0) }) {
            let message = summary.isEmpty ? (title.isEmpty ? rawID : title) : summary
            throw PaperSearchError.arxivAPI(url: path, message: message)
        }
        for (field, value) in [("id", rawID), ("title", title), ("summary", summary)] where value.isEmpty {
            throw PaperSearchError.missingField(path: path, line: fields.line, field: field)
        }
        guard let parsed = ArxivID.parse(rawID) else {
            throw PaperSearchError.malformedRecord(
                path: path, line: fields.line,
                reason: "entry id '\(rawID)' is not an arXiv id, expected e.g. http://arxiv.org/abs/2309.17453v2")
        }
        // Primary category first, then the <category> terms in feed order, without duplicates.
        var categories: [String] = []
        for term in [fields.primaryCategory].compactMap({ $0 }) + fields.categories where !categories.contains(term) {
            categories.append(term)
        }
        papers.append(Paper(
            id: parsed.id,
            version: parsed.version,
            title: title,
            abstract: summary,
            authors: fields.authors.isEmpty ? nil : fields.authors.joined(separator: ", "),
            categories: categories,
            primaryCategory: fields.primaryCategory,
            published: AtomFeedParser.timestamp(fields.published),
            updated: AtomFeedParser.day(fields.updated),
            source: .atom
        ))
    }
}
