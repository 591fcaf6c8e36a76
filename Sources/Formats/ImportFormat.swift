import Foundation
import Core

/// The paper file formats `papersearch import` reads (plain or gzip-compressed).
public enum ImportFormat: String, CaseIterable, Sendable {
    /// arXiv metadata as JSON lines: the shared sample's shape or the Kaggle
    /// "arxiv-metadata-oai-snapshot" shape (`id`, `title`, `abstract`, ...).
    case arxiv
    /// A BEIR `corpus.jsonl` (`_id`, `title`, `text`).
    case beir
    /// A weekly "top ML papers" digest (text with `論文紹介`/`論文要旨`/`論文リンク` sections).
    case digest
    /// An Atom feed as the arXiv API returns it.
    case atom

    /// What detection recognises, for `.unknownFormat` messages.
    public static let expectedDescription =
        "arXiv metadata JSON lines (id, title, abstract), a BEIR corpus (JSON lines with _id, title, text), "
        + "an Atom feed (<feed>), or a weekly digest with 論文紹介/論文要旨/論文リンク sections and arxiv.org/abs/ links"

    /// How many bytes of text are examined to recognise a digest.
    static let sniffLimit = 64 * 1024

    /// Recognises the format of the file at `path` from its first bytes (after gunzip):
    /// - the first non-blank line is a JSON object with `_id`: `.beir`;
    ///   with `id` and `abstract`: `.arxiv` (when that line is not valid JSON, the
    ///   same keys are looked for as text, so the reader can report the bad line);
    /// - it starts with `<feed`, or with `<?xml` and a `<feed` follows: `.atom`;
    /// - the first 64 KiB contain an `arxiv.org/abs/` link, a `… / …` heading and the
    ///   digest's section markers: `.digest`.
    ///
    /// - Throws: `.emptyFile` for an empty or all-whitespace file, `.unknownFormat`
    ///   when nothing matches, and the `LineReader` errors (missing file, bad gzip, ...).
    public static func detect(path: String) throws -> ImportFormat {
        let reader = try LineReader(path: path)
        var sniffed: [String] = []
        var sniffedBytes = 0
        var sawContent = false
        var isXML = false
        while let line = try reader.next() {
            if !sawContent {
                if TextNormalizer.isBlank(line.bytes) { continue }
                sawContent = true
                let content = line.bytes.drop(while: { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) })
                if content.first == UInt8(ascii: "{") {
                    return try classifyJSON(Array(content), path: path)
                }
                if content.starts(with: Array("<feed".utf8)) { return .atom }
                isXML = content.starts(with: Array("<?xml".utf8))
            }
            sniffed.append(String(decoding: line.bytes, as: UTF8.self))
            sniffedBytes += line.bytes.count + 1
            if sniffedBytes >= sniffLimit { break }
        }
        guard sawContent else { throw PaperSearchError.emptyFile(path: path) }
        let text = sniffed.joined(separator: "\n")
        if isXML && text.contains("<feed") { return .atom }
        if !isXML && DigestParser.looksLikeDigest(text) { return .digest }
        throw PaperSearchError.unknownFormat(path: path, expected: expectedDescription)
    }

    /// `.beir` or `.arxiv` from the keys of the first JSON line.
    private static func classifyJSON(_ bytes: [UInt8], path: String) throws -> ImportFormat {
        let hasKey: (String) -> Bool
        if let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] {
            hasKey = { object[$0] != nil }
        } else {
            // Not valid JSON: look for the keys as text and let the reader report the line.
            let text = String(decoding: bytes, as: UTF8.self)
            hasKey = { text.contains("\"\($0)\"") }
        }
        if hasKey("_id") { return .beir }
        if hasKey("id") && hasKey("abstract") { return .arxiv }
        throw PaperSearchError.unknownFormat(path: path, expected: expectedDescription)
    }
}
