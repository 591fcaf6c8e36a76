import Foundation
import Core

/// A strict, non-validating XML 1.0 pull reader over UTF-8 bytes (with Namespaces in XML 1.0), for the
/// arXiv API's Atom feeds. It replaces Foundation's `XMLParser` (libxml2 and ICU) with a few hundred
/// lines that load nothing.
///
/// Accepted (https://www.w3.org/TR/xml/, https://www.w3.org/TR/xml-names/):
/// - an optional UTF-8 byte-order mark and XML declaration (`version` 1.x, `encoding` UTF-8 or US-ASCII,
///   `standalone`); processing instructions and comments anywhere outside tags; one DOCTYPE before the
///   root, with an optional external id that is never loaded;
/// - elements with single- or double-quoted attributes, CDATA sections, the five predefined entities
///   (`&lt; &gt; &amp; &apos; &quot;`) and numeric character references;
/// - namespace prefixes, which must be declared (`xmlns:p="…"`) on the element or an ancestor; events
///   carry local names, prefixes and resolved namespace URIs.
///
/// Rejected, each as `PaperSearchError.malformedRecord` with the line (1-based) where it was found and
/// a reason `malformed XML (…)`: invalid UTF-8 or characters XML forbids (controls, U+FFFE, U+FFFF),
/// a DOCTYPE internal subset (so no entity declarations and no entity-expansion attacks), undefined
/// entities and references to forbidden code points, a bare `&` or `<`, `]]>` or `--` where XML forbids
/// them, duplicate attributes (by name, or by namespace and local name), undeclared prefixes,
/// mismatched or unclosed tags, text or a second element outside the root, and nesting deeper than
/// `maxDepth`.
///
/// Line ends are normalized first (CR LF and lone CR become LF), as XML requires; attribute values are
/// normalized (literal tab and newline become a space). Text comes as one or more `.text` events per
/// run between tags; a consumer appends them.
struct XMLEventReader {
    /// One attribute of a start tag.
    struct Attribute: Equatable, Sendable {
        /// Name as written, e.g. `term` or `xml:lang`.
        let qualifiedName: String
        /// Prefix (before the colon), nil without one.
        let prefix: String?
        /// Name after the prefix.
        let localName: String
        /// The value, references replaced and whitespace normalized.
        let value: String
    }

    /// One start tag (`<a:entry x="1">` or `<empty/>`; the latter is followed by its `.endElement`).
    struct Element: Equatable, Sendable {
        /// Name as written, e.g. `a:feed`.
        let qualifiedName: String
        /// Prefix, nil without one.
        let prefix: String?
        /// Name after the prefix, e.g. `feed`.
        let localName: String
        /// The namespace of the prefix (or the default namespace), nil when there is none.
        let namespaceURI: String?
        /// Attributes in document order, namespace declarations (`xmlns`, `xmlns:p`) included.
        let attributes: [Attribute]
        /// Line of the tag's `<`.
        let line: Int

        /// The value of the attribute with this local name: the unprefixed one, else the first prefixed
        /// one (namespace declarations excluded); nil when absent.
        func attribute(_ localName: String) -> String? {
            let candidates = attributes.filter { $0.localName == localName && $0.prefix != "xmlns" && $0.qualifiedName != "xmlns" }
            return (candidates.first { $0.prefix == nil } ?? candidates.first)?.value
        }
    }

    /// What `next()` reads.
    enum Event: Equatable, Sendable {
        case startElement(Element)
        /// The end of an element (`</name>`, or right after an empty-element tag).
        case endElement(qualifiedName: String, localName: String, line: Int)
        /// Character data (text with references replaced, or a CDATA section's content); never empty.
        case text(String)
        /// The document is complete; every further `next()` returns this again.
        case endOfDocument
    }

    /// The deepest element nesting accepted (libxml2's default limit too).
    static let maxDepth = 256

    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"
    static let xmlnsNamespace = "http://www.w3.org/2000/xmlns/"

    private let bytes: [UInt8]
    private let path: String
    private var position = 0
    /// Start of the document proper (after a byte-order mark): where an XML declaration may be.
    private let documentStart: Int
    /// Line bookkeeping: `line` is the line at byte `lineCountedTo` (counted lazily, forward only).
    private var lineCountedTo = 0
    private var line = 1

    /// Open elements, outermost first: qualified name and the line of its start tag.
    private var open: [(name: String, line: Int)] = []
    /// Namespace bindings per open element (prefix -> URI; "" is the default namespace), innermost last.
    private var scopes: [[String: String]] = [["xml": XMLEventReader.xmlNamespace]]
    /// The end event owed after an empty-element tag.
    private var pendingEnd: Event?
    private var sawRoot = false
    private var sawDoctype = false
    /// Line where the root element closed (for errors about content after it).
    private var rootClosedLine = 0

    /// Reads `data` as an XML document.
    /// - Parameter path: where the bytes came from; only used in error messages.
    /// - Throws: `.malformedRecord` when the bytes are not UTF-8 or contain characters XML forbids.
    init(_ data: Data, path: String) throws {
        self.path = path
        var bytes = [UInt8](data)
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            start = 3
        } else if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE])
                    || bytes.starts(with: [0x00, 0x3C]) || bytes.starts(with: [0x3C, 0x00]) {
            throw PaperSearchError.malformedRecord(path: path, line: 1, reason: "malformed XML (UTF-16 document, expected UTF-8)")
        }
        try Self.checkCharacters(bytes, from: start, path: path)
        if bytes.contains(0x0D) {
            bytes = Self.normalizeLineEnds(bytes)
        }
        self.bytes = bytes
        self.documentStart = start
        self.position = start
    }

    // MARK: - Events

    /// The next event.
    /// - Throws: `.malformedRecord(path, line, "malformed XML (…)")` at the first well-formedness error.
    mutating func next() throws -> Event {
        if let pending = pendingEnd {
            pendingEnd = nil
            closeElement()
            return pending
        }
        while true {
            guard position < bytes.count else {
                return try endOfInput()
            }
            if bytes[position] != UInt8(ascii: "<") {
                if open.isEmpty {
                    try skipWhitespaceOutsideRoot()
                    continue
                }
                let text = try readText()
                if !text.isEmpty {
                    return .text(text)
                }
                continue
            }
            let next = byte(at: position + 1)
            if next == UInt8(ascii: "?") {
                try readProcessingInstruction()
            } else if next == UInt8(ascii: "!") {
                if matches("<!--") {
                    try readComment()
                } else if matches("<![CDATA[") {
                    let text = try readCDATA()
                    if !text.isEmpty {
                        return .text(text)
                    }
                } else if matches("<!DOCTYPE") {
                    try readDoctype()
                } else {
                    throw failure("'<!' that starts no comment, CDATA section or DOCTYPE")
                }
            } else if next == UInt8(ascii: "/") {
                return try readEndTag()
            } else {
                return try readStartTag()
            }
        }
    }

    /// At the end of the bytes: complete, or an error naming what is still open.
    private mutating func endOfInput() throws -> Event {
        if let innermost = open.last {
            throw failure("document ends inside <\(innermost.name)> opened on line \(innermost.line)")
        }
        guard sawRoot else {
            throw failure("no root element")
        }
        return .endOfDocument
    }

    // MARK: - Tags

    private mutating func readStartTag() throws -> Event {
        let tagLine = currentLine()
        if sawRoot && open.isEmpty {
            let name = peekName(at: position + 1) ?? ""
            throw failure("element <\(name)> after the root element, which closed on line \(rootClosedLine)")
        }
        guard open.count < Self.maxDepth else {
            throw failure("elements nested deeper than \(Self.maxDepth) levels")
        }
        position += 1
        let name = try readName(what: "element name after '<' (write &lt; for a literal '<')")
        guard let qualified = Self.splitQName(name) else {
            throw failure("element name '\(name)' is not a valid namespace-qualified name")
        }

        var raw: [(name: String, value: String)] = []
        var names: Set<String> = []
        var emptyElement = false
        while true {
            let hadSpace = skipWhitespace()
            guard position < bytes.count else {
                throw failure("document ends inside the tag <\(name)> opened on line \(tagLine)")
            }
            let current = bytes[position]
            if current == UInt8(ascii: ">") {
                position += 1
                break
            }
            if current == UInt8(ascii: "/") {
                guard byte(at: position + 1) == UInt8(ascii: ">") else {
                    throw failure("'/' not followed by '>' in the tag <\(name)>")
                }
                position += 2
                emptyElement = true
                break
            }
            guard hadSpace else {
                throw failure("expected whitespace, '>' or '/>' in the tag <\(name)>")
            }
            let attributeName = try readNameAndEquals(
                what: "attribute name, '>' or '/>' in the tag <\(name)>",
                noEquals: { "attribute '\($0)' of <\(name)> has no '=' and value" })
            let value = try readAttributeValue(attributeName, element: name)
            guard names.insert(attributeName).inserted else {
                throw failure("attribute '\(attributeName)' given twice in <\(name)>")
            }
            raw.append((attributeName, value))
        }

        // Namespace declarations first (they apply to the element's own name and attributes).
        var bindings: [String: String] = [:]
        var attributes: [Attribute] = []
        for (attributeName, value) in raw {
            guard let split = Self.splitQName(attributeName) else {
                throw failure("attribute name '\(attributeName)' of <\(name)> is not a valid namespace-qualified name")
            }
            if attributeName == "xmlns" {
                if value == Self.xmlNamespace || value == Self.xmlnsNamespace {
                    throw failure("the default namespace of <\(name)> cannot be '\(value)'")
                }
                bindings[""] = value
            } else if split.prefix == "xmlns" {
                try checkPrefixDeclaration(split.local, uri: value, element: name)
                bindings[split.local] = value
            }
            attributes.append(Attribute(qualifiedName: attributeName, prefix: split.prefix, localName: split.local, value: value))
        }
        // Without declarations the element shares its parent's bindings (no copy).
        let scope = bindings.isEmpty ? scopes[scopes.count - 1] : scopes[scopes.count - 1].merging(bindings) { _, new in new }

        // Every prefix must be declared; no two attributes may share namespace and local name.
        let elementURI: String?
        if let prefix = qualified.prefix {
            guard let uri = scope[prefix] else {
                throw failure("namespace prefix '\(prefix)' of <\(name)> is not declared")
            }
            elementURI = uri
        } else {
            elementURI = scope[""].flatMap { $0.isEmpty ? nil : $0 }
        }
        var expanded: [String: String] = [:]
        for attribute in attributes {
            guard let prefix = attribute.prefix, prefix != "xmlns" else { continue }
            guard let uri = scope[prefix] else {
                throw failure("namespace prefix '\(prefix)' of attribute '\(attribute.qualifiedName)' in <\(name)> is not declared")
            }
            let key = uri + " " + attribute.localName
            if let other = expanded[key] {
                throw failure("attributes '\(other)' and '\(attribute.qualifiedName)' of <\(name)> have the same namespace and local name")
            }
            expanded[key] = attribute.qualifiedName
        }

        sawRoot = true
        open.append((name, tagLine))
        scopes.append(scope)
        if emptyElement {
            pendingEnd = .endElement(qualifiedName: name, localName: qualified.local, line: tagLine)
        }
        return .startElement(Element(
            qualifiedName: name, prefix: qualified.prefix, localName: qualified.local, namespaceURI: elementURI,
            attributes: attributes, line: tagLine))
    }

    private func checkPrefixDeclaration(_ prefix: String, uri: String, element: String) throws {
        if prefix == "xmlns" {
            throw failure("the prefix 'xmlns' cannot be declared (in <\(element)>)")
        }
        if prefix == "xml" && uri != Self.xmlNamespace {
            throw failure("the prefix 'xml' cannot be bound to '\(uri)' (in <\(element)>)")
        }
        if prefix != "xml" && (uri == Self.xmlNamespace || uri == Self.xmlnsNamespace) {
            throw failure("the prefix '\(prefix)' cannot be bound to '\(uri)' (in <\(element)>)")
        }
        if uri.isEmpty {
            throw failure("namespace prefix '\(prefix)' declared with an empty URI in <\(element)>")
        }
    }

    private mutating func readEndTag() throws -> Event {
        let tagLine = currentLine()
        position += 2
        let name = try readName(what: "element name after '</'")
        skipWhitespace()
        guard position < bytes.count else {
            throw failure("document ends inside the closing tag </\(name)>")
        }
        guard bytes[position] == UInt8(ascii: ">") else {
            throw failure("expected '>' to end the closing tag </\(name)>")
        }
        guard let innermost = open.last else {
            throw failure("closing tag </\(name)> without a matching opening tag")
        }
        guard innermost.name == name else {
            throw failure("closing tag </\(name)> does not match <\(innermost.name)> opened on line \(innermost.line)")
        }
        position += 1
        closeElement()
        return .endElement(qualifiedName: name, localName: Self.splitQName(name)?.local ?? name, line: tagLine)
    }

    private mutating func closeElement() {
        open.removeLast()
        scopes.removeLast()
        if open.isEmpty {
            rootClosedLine = currentLine()
        }
    }

    /// `prefix:local` -> (prefix, local); `local` -> (nil, local); nil when the name has an empty part
    /// or more than one colon (not a QName).
    static func splitQName(_ name: String) -> (prefix: String?, local: String)? {
        let parts = name.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return (nil, name)
        case 2 where !parts[0].isEmpty && !parts[1].isEmpty: return (String(parts[0]), String(parts[1]))
        default: return nil
        }
    }

    // MARK: - Character data

    /// Text up to the next `<` (or the end), references replaced.
    private mutating func readText() throws -> String {
        let start = position
        var decoded: [UInt8] = []
        var hasReferences = false
        var runStart = position
        while position < bytes.count {
            let current = bytes[position]
            if current == UInt8(ascii: "<") {
                break
            }
            if current == UInt8(ascii: "&") {
                hasReferences = true
                decoded.append(contentsOf: bytes[runStart..<position])
                try appendReference(to: &decoded, inAttribute: nil)
                runStart = position
                continue
            }
            if current == UInt8(ascii: "]") && matches("]]>") {
                throw failure("']]>' in text (it may only end a CDATA section; write ]]&gt;)")
            }
            position += 1
        }
        guard hasReferences else {
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }
        decoded.append(contentsOf: bytes[runStart..<position])
        return String(decoding: decoded, as: UTF8.self)
    }

    /// Whitespace between top-level constructs; anything else there is an error.
    private mutating func skipWhitespaceOutsideRoot() throws {
        skipWhitespace()
        guard position < bytes.count, bytes[position] != UInt8(ascii: "<") else { return }
        var end = position
        while end < bytes.count && end - position < 20 && bytes[end] != UInt8(ascii: "<") && bytes[end] != 0x0A {
            end += 1
        }
        let snippet = String(decoding: bytes[position..<end], as: UTF8.self)
        if sawRoot {
            throw failure("text '\(snippet)' after the root element, which closed on line \(rootClosedLine)")
        }
        throw failure("text '\(snippet)' before the root element")
    }

    /// The value of a quoted attribute, references replaced and whitespace normalized.
    private mutating func readAttributeValue(_ attribute: String, element: String) throws -> String {
        let valueLine = currentLine()
        guard let quote = byte(at: position), quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
            throw failure("value of attribute '\(attribute)' in <\(element)> is not quoted")
        }
        position += 1
        var decoded: [UInt8] = []
        while true {
            guard position < bytes.count else {
                position = bytes.count
                throw failure("document ends inside the value of attribute '\(attribute)' (started on line \(valueLine))")
            }
            let current = bytes[position]
            switch current {
            case quote:
                position += 1
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "<"):
                throw failure("'<' in the value of attribute '\(attribute)' (write &lt;)")
            case UInt8(ascii: "&"):
                try appendReference(to: &decoded, inAttribute: attribute)
            case 0x09, 0x0A:
                decoded.append(0x20)
                position += 1
            default:
                decoded.append(current)
                position += 1
            }
        }
    }

    /// Reads `&…;` at `position` and appends its UTF-8 bytes.
    private mutating func appendReference(to output: inout [UInt8], inAttribute attribute: String?) throws {
        let start = position
        position += 1
        if byte(at: position) == UInt8(ascii: "#") {
            position += 1
            let hex = byte(at: position) == UInt8(ascii: "x")
            if hex { position += 1 }
            let digitsStart = position
            var value: UInt32 = 0
            while let digit = byte(at: position).flatMap({ Self.digitValue($0, hex: hex) }) {
                // Stop accumulating past the Unicode range (the code point check below rejects it).
                value = value > 0x10FFFF ? value : value * (hex ? 16 : 10) + UInt32(digit)
                position += 1
            }
            let written = String(decoding: bytes[start..<min(position + 1, bytes.count)], as: UTF8.self)
            guard position > digitsStart, byte(at: position) == UInt8(ascii: ";") else {
                throw failure("malformed character reference '\(written)', expected &#DIGITS; or &#xHEX;")
            }
            position += 1
            guard Self.isXMLChar(value), let scalar = Unicode.Scalar(value) else {
                throw failure("character reference '\(written)' is not a character XML allows")
            }
            UTF8.encode(scalar) { output.append($0) }
            return
        }
        guard let name = peekName(at: position) else {
            throw failure(attribute.map { "'&' not starting a reference in the value of attribute '\($0)' (write &amp;)" }
                          ?? "'&' not starting a reference (write &amp;)")
        }
        position += name.utf8.count
        guard byte(at: position) == UInt8(ascii: ";") else {
            throw failure("entity reference '&\(name)' without ';'")
        }
        position += 1
        let replacement: UInt8
        switch name {
        case "lt": replacement = UInt8(ascii: "<")
        case "gt": replacement = UInt8(ascii: ">")
        case "amp": replacement = UInt8(ascii: "&")
        case "apos": replacement = UInt8(ascii: "'")
        case "quot": replacement = UInt8(ascii: "\"")
        default:
            position = start
            throw failure("undefined entity '&\(name);' (only &lt; &gt; &amp; &apos; &quot; and character references are accepted)")
        }
        output.append(replacement)
    }

    private static func digitValue(_ byte: UInt8, hex: Bool) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: return Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: return Int(byte - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }

    /// XML 1.0 `Char`: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
    static func isXMLChar(_ value: UInt32) -> Bool {
        switch value {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    // MARK: - Comments, CDATA, processing instructions, DOCTYPE

    private mutating func readComment() throws {
        let startLine = currentLine()
        position += 4
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: "-") && byte(at: position + 1) == UInt8(ascii: "-") {
                guard byte(at: position + 2) == UInt8(ascii: ">") else {
                    throw failure("'--' inside a comment (started on line \(startLine))")
                }
                position += 3
                return
            }
            position += 1
        }
        throw failure("comment started on line \(startLine) is not closed with '-->'")
    }

    private mutating func readCDATA() throws -> String {
        let startLine = currentLine()
        guard !open.isEmpty else {
            throw failure("CDATA section outside the root element")
        }
        position += 9
        let start = position
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: "]") && matches("]]>") {
                let text = String(decoding: bytes[start..<position], as: UTF8.self)
                position += 3
                return text
            }
            position += 1
        }
        throw failure("CDATA section started on line \(startLine) is not closed with ']]>'")
    }

    private mutating func readProcessingInstruction() throws {
        let startLine = currentLine()
        let start = position
        position += 2
        let target = try readName(what: "processing instruction target after '<?'")
        if target.lowercased() == "xml" {
            guard target == "xml", start == documentStart else {
                throw failure(target == "xml" ? "XML declaration '<?xml …?>' not at the very start of the document"
                                              : "processing instruction target '\(target)' is reserved")
            }
            try readXMLDeclaration()
            return
        }
        if target.contains(":") {
            throw failure("processing instruction target '\(target)' contains a colon")
        }
        if matches("?>") {
            position += 2
            return
        }
        guard skipWhitespace() else {
            throw failure("expected whitespace or '?>' after the processing instruction target '\(target)'")
        }
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: "?") && byte(at: position + 1) == UInt8(ascii: ">") {
                position += 2
                return
            }
            position += 1
        }
        throw failure("processing instruction started on line \(startLine) is not closed with '?>'")
    }

    /// `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`, after the `<?xml`.
    private mutating func readXMLDeclaration() throws {
        var seen: [String] = []
        while true {
            let hadSpace = skipWhitespace()
            if matches("?>") {
                position += 2
                break
            }
            guard position < bytes.count else {
                throw failure("document ends inside the XML declaration")
            }
            guard hadSpace else {
                throw failure("expected whitespace or '?>' in the XML declaration")
            }
            let name = try readNameAndEquals(
                what: "pseudo-attribute or '?>' in the XML declaration",
                noEquals: { "'\($0)' in the XML declaration has no '=' and value" })
            guard let quote = byte(at: position), quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
                throw failure("value of '\(name)' in the XML declaration is not quoted")
            }
            let valueStart = position + 1
            guard let end = bytes[valueStart...].firstIndex(where: { $0 == quote || $0 == UInt8(ascii: "<") }),
                  bytes[end] == quote else {
                throw failure("value of '\(name)' in the XML declaration is not closed")
            }
            let value = String(decoding: bytes[valueStart..<end], as: UTF8.self)
            position = end + 1
            // The order is fixed: version, then encoding, then standalone; each at most once.
            let order = ["version", "encoding", "standalone"]
            guard let rank = order.firstIndex(of: name), seen.allSatisfy({ order.firstIndex(of: $0) ?? 3 < rank }) else {
                throw failure("unexpected '\(name)' in the XML declaration, expected version, encoding, standalone in this order")
            }
            if seen.isEmpty && name != "version" {
                throw failure("XML declaration without version")
            }
            seen.append(name)
            switch name {
            case "version":
                guard value.range(of: #"^1\.[0-9]+$"#, options: .regularExpression) != nil else {
                    throw failure("unsupported XML version '\(value)', expected 1.0")
                }
            case "encoding":
                guard ["utf-8", "utf8", "us-ascii", "ascii"].contains(value.lowercased()) else {
                    throw failure("unsupported encoding '\(value)', expected UTF-8")
                }
            default:
                guard value == "yes" || value == "no" else {
                    throw failure("standalone must be 'yes' or 'no', not '\(value)'")
                }
            }
        }
        if seen.isEmpty {
            throw failure("XML declaration without version")
        }
    }

    /// `<!DOCTYPE name>`, `<!DOCTYPE name SYSTEM "uri">` or `<!DOCTYPE name PUBLIC "id" "uri">`; the
    /// external DTD is not read. An internal subset (`[…]`) is refused.
    private mutating func readDoctype() throws {
        guard !sawRoot else {
            throw failure("DOCTYPE after the root element")
        }
        guard !sawDoctype else {
            throw failure("second DOCTYPE")
        }
        sawDoctype = true
        position += 9
        guard skipWhitespace() else {
            throw failure("expected whitespace after '<!DOCTYPE'")
        }
        let name = try readName(what: "root element name in the DOCTYPE")
        if skipWhitespace() && (matches("SYSTEM") || matches("PUBLIC")) {
            let isPublic = matches("PUBLIC")
            position += 6
            for literal in isPublic ? ["public id", "system id"] : ["system id"] {
                guard skipWhitespace() else {
                    throw failure("expected whitespace before the \(literal) in the DOCTYPE")
                }
                guard let quote = byte(at: position), quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'"),
                      let end = bytes[(position + 1)...].firstIndex(of: quote) else {
                    throw failure("expected a quoted \(literal) in the DOCTYPE")
                }
                position = end + 1
            }
            skipWhitespace()
        }
        if byte(at: position) == UInt8(ascii: "[") {
            throw failure("DOCTYPE <!DOCTYPE \(name) [...]> has an internal subset; entity and other declarations are not accepted")
        }
        guard byte(at: position) == UInt8(ascii: ">") else {
            throw failure("expected '>' to end the DOCTYPE")
        }
        position += 1
    }

    // MARK: - Names and bytes

    /// A name followed by `=` (white space allowed around it), as in `name = "value"` of an
    /// attribute or of the XML declaration; the position is left at the value's quote.
    private mutating func readNameAndEquals(what: String, noEquals: (String) -> String) throws -> String {
        let name = try readName(what: what)
        skipWhitespace()
        guard byte(at: position) == UInt8(ascii: "=") else { throw failure(noEquals(name)) }
        position += 1
        skipWhitespace()
        return name
    }

    /// Reads an XML `Name` at `position`.
    private mutating func readName(what: String) throws -> String {
        guard let name = peekName(at: position) else {
            guard position < bytes.count else {
                throw failure("document ends where a \(what) was expected")
            }
            throw failure("expected \(what)")
        }
        position += name.utf8.count
        return name
    }

    /// The XML `Name` starting at `index`, nil when none starts there.
    private func peekName(at index: Int) -> String? {
        var end = index
        while end < bytes.count {
            let (scalar, length) = Self.decodeScalar(bytes, at: end)
            let allowed = end == index ? Self.isNameStartChar(scalar) : Self.isNameChar(scalar)
            guard allowed else { break }
            end += length
        }
        return end == index ? nil : String(decoding: bytes[index..<end], as: UTF8.self)
    }

    /// XML 1.0 (5th ed.) `NameStartChar`.
    static func isNameStartChar(_ c: UInt32) -> Bool {
        switch c {
        case 0x3A, 0x41...0x5A, 0x5F, 0x61...0x7A, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D,
             0x37F...0x1FFF, 0x200C...0x200D, 0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF,
             0xF900...0xFDCF, 0xFDF0...0xFFFD, 0x10000...0xEFFFF:
            return true
        default:
            return false
        }
    }

    /// XML 1.0 (5th ed.) `NameChar`.
    static func isNameChar(_ c: UInt32) -> Bool {
        switch c {
        case 0x2D, 0x2E, 0x30...0x39, 0xB7, 0x300...0x36F, 0x203F...0x2040: return true
        default: return isNameStartChar(c)
        }
    }

    /// The scalar and its byte length at `index` of bytes already checked to be UTF-8.
    private static func decodeScalar(_ bytes: [UInt8], at index: Int) -> (UInt32, Int) {
        let lead = UInt32(bytes[index])
        if lead < 0x80 { return (lead, 1) }
        func continuation(_ offset: Int) -> UInt32 { UInt32(bytes[index + offset] & 0x3F) }
        if lead < 0xE0 { return (((lead & 0x1F) << 6) | continuation(1), 2) }
        if lead < 0xF0 { return (((lead & 0x0F) << 12) | (continuation(1) << 6) | continuation(2), 3) }
        return (((lead & 0x07) << 18) | (continuation(1) << 12) | (continuation(2) << 6) | continuation(3), 4)
    }

    private func byte(at index: Int) -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    /// Whether the ASCII `literal` starts at `position`.
    private func matches(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<count where bytes[position + offset] != pointer[offset] {
            return false
        }
        return true
    }

    /// Skips XML whitespace (space, tab, LF); true when there was some.
    @discardableResult
    private mutating func skipWhitespace() -> Bool {
        let start = position
        while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 || bytes[position] == 0x0A {
            position += 1
        }
        return position > start
    }

    /// The line of `position` (LFs are counted forward from the last call).
    private mutating func currentLine() -> Int {
        let target = min(position, bytes.count)
        if target < lineCountedTo {
            lineCountedTo = 0
            line = 1
        }
        for index in lineCountedTo..<target where bytes[index] == 0x0A {
            line += 1
        }
        lineCountedTo = target
        return line
    }

    /// The error for `reason` at the current line.
    private func failure(_ reason: String) -> PaperSearchError {
        let target = min(position, bytes.count)
        var line = self.line
        if target >= lineCountedTo {
            for index in lineCountedTo..<target where bytes[index] == 0x0A {
                line += 1
            }
        } else {
            line = 1 + bytes[..<target].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        }
        return .malformedRecord(path: path, line: line, reason: "malformed XML (\(reason))")
    }

    // MARK: - Pre-pass

    /// Checks that `bytes` are UTF-8 and only characters XML allows (no controls but tab, LF, CR; no
    /// U+FFFE, U+FFFF); the error names the line (CR LF and lone CR count as one line end).
    private static func checkCharacters(_ bytes: [UInt8], from start: Int, path: String) throws {
        var line = 1
        var index = start
        func fail(_ reason: String) -> PaperSearchError {
            .malformedRecord(path: path, line: line, reason: "malformed XML (\(reason))")
        }
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                switch lead {
                case 0x0A:
                    line += 1
                case 0x0D:
                    if index + 1 >= bytes.count || bytes[index + 1] != 0x0A { line += 1 }
                case 0x09, 0x20...0x7F:
                    break
                default:
                    throw fail("control character \(codePoint(UInt32(lead))), which XML does not allow")
                }
                index += 1
                continue
            }
            // Multi-byte UTF-8 (RFC 3629): lead byte gives the length; reject overlong forms,
            // surrogates and values past U+10FFFF.
            let length: Int
            var value: UInt32
            switch lead {
            case 0xC2...0xDF: length = 2; value = UInt32(lead & 0x1F)
            case 0xE0...0xEF: length = 3; value = UInt32(lead & 0x0F)
            case 0xF0...0xF4: length = 4; value = UInt32(lead & 0x07)
            default: throw fail("invalid UTF-8 byte 0x\(String(lead, radix: 16, uppercase: true)), expected UTF-8 text")
            }
            guard index + length <= bytes.count else {
                throw fail("truncated UTF-8 sequence at the end, expected UTF-8 text")
            }
            for offset in 1..<length {
                let next = bytes[index + offset]
                guard next & 0xC0 == 0x80 else {
                    throw fail("invalid UTF-8 sequence, expected UTF-8 text")
                }
                value = (value << 6) | UInt32(next & 0x3F)
            }
            let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
            guard value >= minimum, value <= 0x10FFFF, !(0xD800...0xDFFF).contains(value) else {
                throw fail("invalid UTF-8 sequence, expected UTF-8 text")
            }
            guard isXMLChar(value) else {
                throw fail("character \(codePoint(value)), which XML does not allow")
            }
            index += length
        }
    }

    /// `U+000B`: a code point as Unicode writes it (at least four hex digits).
    static func codePoint(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// CR LF -> LF and lone CR -> LF (XML 1.0 section 2.11).
    private static func normalizeLineEnds(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let current = bytes[index]
            if current == 0x0D {
                result.append(0x0A)
                if index + 1 < bytes.count && bytes[index + 1] == 0x0A {
                    index += 1
                }
            } else {
                result.append(current)
            }
            index += 1
        }
        return result
    }
}
