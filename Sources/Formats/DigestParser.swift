import Core
/// Reads a weekly "top ML papers" digest (Japanese translation with English quotes,
/// like `2023-10-09-weekly-digest.txt`).
///
/// Layout of one paper, as found in the real digest:
/// ```
/// <Japanese title> / <English title>          <- heading (not indented)
///
/// 論文紹介                                     <- introduction
///   • <Japanese summary> #tag1 #tag2           <- hashtags end the Japanese part (optional)
///     > <English summary>                      <- `> ` prefix optional
/// 論文要旨                                     <- abstract (one digest spells it 論文要約)
///   • <Japanese abstract>
///     > <English abstract>
/// 論文リンク
/// https://arxiv.org/abs/<id>
/// さらに読む                                   <- further reading, ignored (as is 原文)
/// ```
/// A heading is a line that does not start with whitespace, contains ` / `, and whose
/// next non-blank line is one of the markers 論文紹介, 論文要旨/論文要約 or 論文リンク.
/// Text before the first heading is the digest's overview and is ignored.
///
/// Per paper: the English title is the part after the ` / ` that is followed only by
/// non-Japanese text; the English abstract is every line of the abstract section that is
/// (almost) free of Japanese characters, with bullets and `> ` quote marks removed; the
/// tags are the hashtags that end lines of the introduction (`#rag` gives `rag`).
/// `published` is left nil: the digest's date is not the paper's submission date
/// (`date(fileName:lines:)` gives the digest date separately).
enum DigestParser {
    /// One line of the digest; `text` is nil when the line is not valid UTF-8.
    struct Line {
        var number: Int
        var text: String?
    }

    /// One paper, or the record error that replaced it; `line` is the heading's line.
    struct Entry {
        var line: Int
        var result: Result<Paper, PaperSearchError>
    }

    private enum Section {
        case none, introduction, abstract, link, other
    }

    private static let markers: [String: Section] = [
        "論文紹介": .introduction, "論文要旨": .abstract, "論文要約": .abstract, "論文リンク": .link,
        "さらに読む": .other, "原文": .other,
    ]

    /// The papers of a digest, in file order.
    static func parse(lines: [Line], path: String) -> [Entry] {
        let headings = headingIndices(lines)
        var entries: [Entry] = []
        for (k, start) in headings.enumerated() {
            let end = k + 1 < headings.count ? headings[k + 1] : lines.count
            entries.append(Entry(line: lines[start].number, result: paper(lines[start..<end], path: path)))
        }
        return entries
    }

    /// Whether `text` (the start of a file) looks like a digest: an arxiv.org/abs/ link,
    /// a `… / …` heading line, the 論文リンク marker and an introduction or abstract marker.
    static func looksLikeDigest(_ text: String) -> Bool {
        guard text.contains("arxiv.org/abs/") else { return false }
        var hasHeading = false
        var hasLink = false
        var hasSection = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if let first = line.first, !first.isWhitespace, line.contains(" / ") { hasHeading = true }
            switch marker(line) {
            case .link: hasLink = true
            case .introduction, .abstract: hasSection = true
            default: break
            }
        }
        return hasHeading && hasLink && hasSection
    }

    /// The digest's date `YYYY-MM-DD`: from the file name (`2023-10-09-weekly-digest.txt`),
    /// else the first date in the text before the first paper; nil when neither has one.
    static func date(fileName: String, lines: [Line]) -> String? {
        if let day = firstDate(in: fileName) { return day }
        let stop = headingIndices(lines).first ?? lines.count
        for line in lines[..<stop] {
            if let text = line.text, let day = firstDate(in: text) { return day }
        }
        return nil
    }

    // MARK: - Structure

    private static func marker<S: StringProtocol>(_ line: S) -> Section? {
        var text = TextNormalizer.trim(line)
        while let last = text.last, last == ":" || last == "：" { text.removeLast() }
        return markers[text]
    }

    private static func headingIndices(_ lines: [Line]) -> [Int] {
        var result: [Int] = []
        for index in lines.indices {
            guard let text = lines[index].text, let first = text.unicodeScalars.first,
                !TextNormalizer.isWhitespace(first), text.contains(" / "), marker(text) == nil
            else { continue }
            // The next non-blank line must open a paper section.
            var next = index + 1
            while next < lines.count, let other = lines[next].text,
                other.unicodeScalars.allSatisfy(TextNormalizer.isWhitespace)
            {
                next += 1
            }
            guard next < lines.count, let other = lines[next].text else { continue }
            switch marker(other) {
            case .introduction, .abstract, .link: result.append(index)
            default: break
            }
        }
        return result
    }

    private static func paper(_ block: ArraySlice<Line>, path: String) -> Result<Paper, PaperSearchError> {
        guard let headingLine = block.first, let heading = headingLine.text else {
            return .failure(.malformedRecord(path: path, line: block.first?.number ?? 0, reason: "empty paper block"))
        }
        let title = englishTitle(heading)
        guard !title.isEmpty else {
            return .failure(.missingField(path: path, line: headingLine.number, field: "title"))
        }
        var section = Section.none
        var englishLines: [String] = []
        var tags: [String] = []
        var link: String?
        for line in block.dropFirst() {
            guard let text = line.text else { return .failure(.invalidUTF8(path: path, line: line.number)) }
            if let next = marker(text) {
                section = next
                continue
            }
            switch section {
            case .introduction:
                for tag in trailingHashtags(text) where !tags.contains(tag) { tags.append(tag) }
            case .abstract:
                let clean = stripQuoting(text)
                if isEnglish(clean) { englishLines.append(clean) }
            case .link:
                if link == nil { link = arxivLink(in: text) }
            case .none, .other:
                break
            }
        }
        guard let link else {
            return .failure(
                .malformedRecord(
                    path: path, line: headingLine.number,
                    reason: "paper '\(title)' has no arxiv.org/abs/ link under 論文リンク"))
        }
        guard let parsed = ArxivID.parse(link) else {
            return .failure(
                .malformedRecord(
                    path: path, line: headingLine.number,
                    reason: "paper '\(title)' has an invalid arXiv link '\(link)', expected e.g. https://arxiv.org/abs/2309.17453"))
        }
        let abstract = TextNormalizer.collapseWhitespace(englishLines.joined(separator: " "))
        guard !abstract.isEmpty else {
            return .failure(
                .malformedRecord(
                    path: path, line: headingLine.number,
                    reason: "paper '\(title)' has no English abstract under 論文要旨"))
        }
        return .success(
            Paper(
                id: parsed.id, version: parsed.version, title: title, abstract: abstract, source: .digest,
                tags: tags))
    }

    // MARK: - Pieces

    /// The English part of `<Japanese title> / <English title>`: after the first ` / `
    /// whose remainder has no Japanese, so a ` / ` inside either title does no harm.
    static func englishTitle(_ heading: String) -> String {
        var searchStart = heading.startIndex
        var lastRemainder: Substring?
        while let separator = heading.range(of: " / ", range: searchStart..<heading.endIndex) {
            let remainder = heading[separator.upperBound...]
            if !remainder.unicodeScalars.contains(where: isJapanese) {
                return TextNormalizer.collapseWhitespace(String(remainder))
            }
            lastRemainder = remainder
            searchStart = separator.upperBound
        }
        return TextNormalizer.collapseWhitespace(String(lastRemainder ?? ""))
    }

    /// A line without leading whitespace, bullet (`•`, `・`) and quote marks (`> `).
    static func stripQuoting(_ line: String) -> String {
        var text = Substring(line)
        while let first = text.unicodeScalars.first,
            TextNormalizer.isWhitespace(first) || first == "•" || first == "・" || first == ">"
        {
            text = Substring(text.unicodeScalars.dropFirst())
        }
        return String(text)
    }

    /// True for a line with letters of which fewer than 10% are Japanese.
    static func isEnglish(_ line: String) -> Bool {
        var letters = 0
        var japanese = 0
        for scalar in line.unicodeScalars {
            if isJapanese(scalar) {
                japanese += 1
            } else if scalar.properties.isAlphabetic {
                letters += 1
            }
        }
        return letters > 0 && japanese * 10 < letters
    }

    /// Kana, CJK ideographs, CJK punctuation and full-width forms.
    static func isJapanese(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3000...0x30FF, 0x31F0...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFF00...0xFFEF:
            return true
        default:
            return false
        }
    }

    /// Hashtags ending a line: `... 実証しました。 #llm #llama2` gives ["llm", "llama2"].
    static func trailingHashtags(_ line: String) -> [String] {
        let tokens = line.split(whereSeparator: { $0.isWhitespace })
        var tags: [String] = []
        for token in tokens.reversed() {
            guard token.hasPrefix("#") else { break }
            var body = token.dropFirst()
            while let last = body.last, ".,;:!?。、".contains(last) { body.removeLast() }
            guard let first = body.first, first.isLetter || first.isNumber,
                body.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." })
            else { break }
            tags.append(String(body))
        }
        return tags.reversed()
    }

    /// The first `arxiv.org/abs/...` URL in `line`, without surrounding punctuation.
    static func arxivLink(in line: String) -> String? {
        for token in line.split(whereSeparator: { $0.isWhitespace }) where token.contains("arxiv.org/abs/") {
            var url = token
            while let first = url.first, "(<[\"'".contains(first) { url.removeFirst() }
            while let last = url.last, ")>].,;:\"'".contains(last) { url.removeLast() }
            return String(url)
        }
        return nil
    }

    /// The first valid `YYYY-MM-DD` in `text`.
    private static func firstDate(in text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 10 else { return nil }
        for start in 0...(bytes.count - 10) {
            // Not part of a longer number on the left.
            if start > 0, bytes[start - 1] >= 0x30 && bytes[start - 1] <= 0x39 { continue }
            let candidate = String(decoding: bytes[start..<(start + 10)], as: UTF8.self)
            if let day = ArxivDate.day(candidate) { return day }
        }
        return nil
    }
}
