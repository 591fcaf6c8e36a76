/// arXiv identifiers: parsing and normalising what users and files write.
///
/// Accepted spellings (all case-insensitive in the prefix and host, surrounding
/// whitespace ignored):
/// - new style `YYMM.NNNNN` (from 2015) or `YYMM.NNNN` (April 2007 to 2014), e.g. `2309.17453`, `0704.0001`;
/// - old style `archive/YYMMNNN` or `archive.SC/YYMMNNN`, e.g. `cs/0501001`, `math.AG/0601001`;
/// - any of those with a version suffix `vN` (N >= 1), e.g. `2309.17453v2`;
/// - with an `arXiv:` prefix, e.g. `arXiv:2309.17453`;
/// - as an `arxiv.org/abs/...` or `arxiv.org/pdf/...[.pdf]` URL, with or without
///   `http://`/`https://` and a `www.` or `export.` host prefix.
///
/// The normalised id drops the version and, for old-style ids, the subject class
/// (`math.AG/0601001` becomes `math/0601001`, which is arXiv's canonical form and the
/// form the bulk metadata uses).
public enum ArxivID {
    /// Parses an arXiv id in any accepted spelling.
    ///
    /// - Returns: the id without version and the version number when one was given,
    ///   or `nil` when `raw` is not an arXiv id.
    public static func parse(_ raw: String) -> (id: String, version: Int?)? {
        if let plain = plainNewStyle(raw) { return (plain, nil) }
        var text = trimmed(raw)
        guard !text.isEmpty else { return nil }
        if let path = urlPath(text) {
            text = path
        } else if text.count > 6, text.prefix(6).lowercased() == "arxiv:" {
            text = text.dropFirst(6)
        }
        let (body, version) = splitVersion(text)
        guard let body, version != 0 else { return nil }
        if let id = newStyle(body) { return (id, version) }
        if let id = oldStyle(body) { return (id, version) }
        return nil
    }

    /// Whether `id` is a namespaced id for papers that are not on arXiv, such as
    /// `demo:0001` or `scifact:4983`: a lowercase namespace matching `[a-z][a-z0-9_-]*`,
    /// a colon, and at least one non-whitespace character. `arXiv:` prefixes and URLs
    /// (`http:`, `https:`) are not namespaces.
    public static func isNamespaced(_ id: String) -> Bool {
        let scalars = Array(id.unicodeScalars)
        guard let colon = scalars.firstIndex(of: ":"), colon > 0, colon < scalars.count - 1 else { return false }
        let namespace = scalars[..<colon]
        guard let first = namespace.first, ("a"..."z").contains(first) else { return false }
        for scalar in namespace {
            let allowed = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
            if !allowed { return false }
        }
        let name = String(String.UnicodeScalarView(namespace))
        if name == "arxiv" || name == "http" || name == "https" { return false }
        return !scalars[(colon + 1)...].contains { $0.properties.isWhitespace }
    }

    // MARK: - Pieces

    /// Fast path for the common case, a bare new-style id without version (`2309.17453`).
    private static func plainNewStyle(_ raw: String) -> String? {
        let utf8 = raw.utf8
        guard utf8.count == 9 || utf8.count == 10 else { return nil }
        var value = 0
        var index = 0
        for byte in utf8 {
            if index == 4 {
                guard byte == 0x2E else { return nil }
            } else {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                if index < 4 { value = value * 10 + Int(byte - 0x30) }
            }
            index += 1
        }
        // value is YYMM: month 01-12; 4-digit numbers up to 2014, 5-digit from 2015.
        guard (1...12).contains(value % 100) else { return nil }
        if utf8.count == 9 { return value >= 704 && value <= 1412 ? raw : nil }
        return value >= 1501 ? raw : nil
    }

    /// The id part of an arxiv.org `abs`/`pdf` URL, or nil when `text` is not such a URL.
    private static func urlPath(_ text: Substring) -> Substring? {
        var rest = text
        let lower = rest.lowercased()
        if lower.hasPrefix("https://") {
            rest = rest.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            rest = rest.dropFirst(7)
        }
        for host in ["www.arxiv.org/", "export.arxiv.org/", "arxiv.org/"] where rest.lowercased().hasPrefix(host) {
            rest = rest.dropFirst(host.count)
            var isPDF = false
            if rest.hasPrefix("abs/") {
                rest = rest.dropFirst(4)
            } else if rest.hasPrefix("pdf/") {
                rest = rest.dropFirst(4)
                isPDF = true
            } else {
                return nil
            }
            // Drop a query or fragment, a trailing slash, and the `.pdf` of PDF links.
            if let cut = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<cut] }
            if rest.hasSuffix("/") { rest = rest.dropLast() }
            if isPDF, rest.lowercased().hasSuffix(".pdf") { rest = rest.dropLast(4) }
            return rest
        }
        return nil
    }

    /// Splits a trailing `vN`. Returns a nil body when the suffix is malformed (`v` without digits).
    private static func splitVersion(_ text: Substring) -> (body: Substring?, version: Int?) {
        guard let v = text.lastIndex(of: "v") else { return (text, nil) }
        let digits = text[text.index(after: v)...]
        // An old-style archive name may contain a `v` (none do today, but be exact):
        // only a `v` followed by digits to the end and preceded by a digit is a version.
        guard v > text.startIndex, let before = text[..<v].last, before.isASCII, before.isNumber else {
            return (text, nil)
        }
        guard !digits.isEmpty, digits.count <= 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let number = Int(digits)
        else { return (nil, nil) }
        return (text[..<v], number)
    }

    /// `YYMM.NNNN` (2007-04 to 2014-12) or `YYMM.NNNNN` (from 2015-01).
    private static func newStyle(_ body: Substring) -> String? {
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, isDigits(parts[0]), isDigits(parts[1]),
            let yymm = Int(parts[0])
        else { return nil }
        let month = yymm % 100
        guard (1...12).contains(month) else { return nil }
        switch parts[1].count {
        case 4 where yymm >= 704 && yymm <= 1412: break
        case 5 where yymm >= 1501: break
        default: return nil
        }
        return String(body)
    }

    /// `archive/YYMMNNN` or `archive.SC/YYMMNNN`, normalised to `archive/YYMMNNN` in lowercase.
    private static func oldStyle(_ body: Substring) -> String? {
        let parts = body.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 7, isDigits(parts[1]) else { return nil }
        let numberPart = parts[1]
        guard let month = Int(numberPart.dropFirst(2).prefix(2)), (1...12).contains(month) else { return nil }
        var archive = parts[0]
        if let dot = archive.firstIndex(of: ".") {
            // Subject class such as `AG` in `math.AG`: letters and hyphens.
            let subject = archive[archive.index(after: dot)...]
            guard !subject.isEmpty, subject.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "-") }) else {
                return nil
            }
            archive = archive[..<dot]
        }
        let archiveName = archive.lowercased()
        guard let first = archiveName.first, first.isLetter,
            archiveName.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "-") })
        else { return nil }
        return "\(archiveName)/\(numberPart)"
    }

    /// `raw` without leading and trailing Unicode whitespace.
    private static func trimmed(_ raw: String) -> Substring {
        let scalars = raw.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return Substring(scalars[first...last])
    }

    private static func isDigits(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}
