import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses the arXiv API's Atom responses (`export.arxiv.org/api/query`) into papers.
///
/// Understood layout (namespaces are resolved, so any prefix works):
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
        if let line = emptyProcessingInstructionLine(data) {
            throw PaperSearchError.malformedRecord(
                path: path, line: line,
                reason: "processing instruction without data (like <?x?>), expected an arXiv API Atom feed")
        }
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        let collector = AtomCollector(path: path)
        parser.delegate = collector
        let ok = parser.parse()
        if let failure = collector.failure {
            throw failure
        }
        guard ok else {
            // A parse failure the delegate did not see (should not happen, but stay one line).
            let line = max(parser.lineNumber, 1)
            throw PaperSearchError.malformedRecord(path: path, line: line, reason: "malformed XML")
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
    static func collapseWhitespace(_ text: String) -> String {
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

    /// Line of the first processing instruction with a target and no data (`<?x?>`), if any.
    ///
    /// Foundation's XMLParser hands libxml2's NULL data pointer of such an instruction to
    /// `strlen` and crashes (found by Scripts/fuzz.sh atom), so these are refused before
    /// parsing. arXiv feeds only carry the `<?xml version="1.0" ...?>` declaration, which has data.
    static func emptyProcessingInstructionLine(_ data: Data) -> Int? {
        let bytes = [UInt8](data)
        var line = 1
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == 0x0A { line += 1 }
            if bytes[i] == 0x3C, bytes[i + 1] == 0x3F {  // "<?"
                var j = i + 2
                // The target: up to whitespace or the closing "?>".
                while j < bytes.count, !isXMLWhitespace(bytes[j]), bytes[j] != 0x3F, bytes[j] != 0x3E { j += 1 }
                if j + 1 < bytes.count, bytes[j] == 0x3F, bytes[j + 1] == 0x3E { return line }
            }
            i += 1
        }
        return nil
    }

    private static func isXMLWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

/// XMLParser delegate that accumulates one feed; private to `AtomFeedParser`.
private final class AtomCollector: NSObject, XMLParserDelegate {
    static let apiErrorPrefixes = ["http://arxiv.org/api/errors", "https://arxiv.org/api/errors"]

    let path: String
    var failure: PaperSearchError?
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

    private func fail(_ parser: XMLParser, _ error: PaperSearchError) {
        if failure == nil {
            failure = error
        }
        parser.abortParsing()
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
        guard failure == nil else { return }
        let name = elementName
        let parent = stack.last
        stack.append(name)
        text = nil
        if parent == nil {
            // The root must be an Atom feed; an HTML error page or other XML is not an arXiv answer.
            guard name == "feed" else {
                fail(parser, .malformedRecord(path: path, line: max(parser.lineNumber, 1),
                                              reason: "root element <\(qName ?? name)>, expected an arXiv API Atom <feed>"))
                return
            }
            sawFeed = true
            return
        }
        switch (parent, name) {
        case ("feed", "entry"):
            entry = EntryFields(line: max(parser.lineNumber, 1))
        case ("feed", "totalResults"), ("feed", "startIndex"), ("feed", "itemsPerPage"):
            text = ""
        case ("entry", "id"), ("entry", "title"), ("entry", "summary"), ("entry", "published"), ("entry", "updated"):
            text = ""
        case ("author", "name") where stack.dropLast(2).last == "entry":
            text = ""
        case ("entry", "primary_category"):
            if let term = attributeDict["term"].map(AtomFeedParser.collapseWhitespace), !term.isEmpty {
                entry?.primaryCategory = term
            }
        case ("entry", "category"):
            if let term = attributeDict["term"].map(AtomFeedParser.collapseWhitespace), !term.isEmpty {
                entry?.categories.append(term)
            }
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text?.append(string)
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        text?.append(String(decoding: CDATABlock, as: UTF8.self))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard failure == nil else { return }
        stack.removeLast()
        let parent = stack.last
        let value = text ?? ""
        text = nil
        switch (parent, elementName) {
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
                finishEntry(parser, fields)
            }
            entry = nil
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        guard failure == nil else { return }
        let line = max(parser.lineNumber, 1)
        failure = .malformedRecord(path: path, line: line, reason: "malformed XML (\(Self.describe(parseError)))")
    }

    func parser(_ parser: XMLParser, validationErrorOccurred validationError: Error) {
        self.parser(parser, parseErrorOccurred: validationError)
    }

    /// Turns one `<entry>` into a paper, or records the error (API error entry, missing field, bad id).
    private func finishEntry(_ parser: XMLParser, _ fields: EntryFields) {
        let rawID = AtomFeedParser.collapseWhitespace(fields.id)
        let title = AtomFeedParser.collapseWhitespace(fields.title)
        let summary = AtomFeedParser.collapseWhitespace(fields.summary)
        if Self.apiErrorPrefixes.contains(where: { rawID.hasPrefix($0) }) {
            let message = summary.isEmpty ? (title.isEmpty ? rawID : title) : summary
            fail(parser, .arxivAPI(url: path, message: message))
            return
        }
        for (field, value) in [("id", rawID), ("title", title), ("summary", summary)] where value.isEmpty {
            fail(parser, .missingField(path: path, line: fields.line, field: field))
            return
        }
        guard let parsed = ArxivID.parse(rawID) else {
            fail(parser, .malformedRecord(path: path, line: fields.line,
                                          reason: "entry id '\(rawID)' is not an arXiv id, expected e.g. http://arxiv.org/abs/2309.17453v2"))
            return
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

    /// A short one-line description of an XMLParser error. XMLParser (Linux and Darwin) reports libxml2's
    /// `xmlParserErrors` codes (libxml/xmlerror.h) and no message text, so the common codes are named here.
    private static func describe(_ error: Error) -> String {
        let code = (error as NSError).code
        let names: [Int: String] = [
            3: "document does not start like XML",
            4: "document is empty",
            5: "extra content at the end of the document",
            8: "invalid character reference",
            9: "invalid character",
            23: "entity reference without ';'",
            26: "undeclared entity",
            31: "unknown encoding",
            32: "unsupported encoding",
            33: "attribute value without quote",
            34: "unterminated attribute value",
            38: "'<' in an attribute value",
            39: "malformed attribute",
            40: "unterminated attribute",
            41: "attribute without value",
            42: "attribute given twice",
            68: "name expected (a bare '&' or '<'?)",
            72: "'<' expected",
            73: "'>' expected",
            74: "'</' expected",
            76: "opening and ending tag mismatch",
            77: "document ends inside an element",
            85: "unbalanced tags",
            86: "extra content at the end of the document",
        ]
        return names[code].map { "\($0), libxml2 error \(code)" } ?? "libxml2 error \(code)"
    }
}
