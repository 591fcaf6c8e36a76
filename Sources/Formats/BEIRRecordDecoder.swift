import Core
/// Turns one BEIR corpus record (`{"_id": ..., "title": ..., "text": ..., "metadata": {}}`)
/// into a `Paper` with id `<namespace>:<_id>`, abstract = `text`, source `.beir`.
///
/// `text` is required. `title` must be present but may be empty (some BEIR corpora have
/// untitled documents): an empty title is replaced by the first sentence of `text`, cut
/// to at most 80 characters at a word boundary with a trailing `…`.
enum BEIRRecordDecoder {
    /// Longest derived title, in characters.
    static let derivedTitleLength = 80

    static func paper(from record: JSONRecord, namespace: String) throws -> Paper {
        var rawID: String
        if let text = try? record.string("_id") {
            rawID = text
        } else if let value = record.value("_id"), let number = JSONRecord.integer(value) {
            rawID = String(number)
        } else if record.has("_id") {
            throw record.typeError("_id", "a string", record.value("_id") ?? .null)
        } else {
            rawID = ""
        }
        rawID = TextNormalizer.collapseWhitespace(rawID)
        guard !rawID.isEmpty else {
            throw PaperSearchError.missingField(path: record.path, line: record.line, field: "_id")
        }
        guard !rawID.contains(" ") else {
            throw record.error("invalid _id '\(rawID)', expected an id without spaces")
        }
        guard let rawTitle = try record.string("title") else {
            throw PaperSearchError.missingField(path: record.path, line: record.line, field: "title")
        }
        let text = TextNormalizer.collapseWhitespace(try record.string("text") ?? "")
        guard !text.isEmpty else {
            throw PaperSearchError.missingField(path: record.path, line: record.line, field: "text")
        }
        var title = TextNormalizer.collapseWhitespace(rawTitle)
        if title.isEmpty { title = derivedTitle(text) }
        return Paper(id: "\(namespace):\(rawID)", title: title, abstract: text, source: .beir)
    }

    /// First sentence of `text`, at most `derivedTitleLength` characters.
    static func derivedTitle(_ text: String) -> String {
        var sentence = Substring(text)
        if let end = text.range(of: ". ") ?? text.range(of: "? ") ?? text.range(of: "! ") {
            sentence = text[..<text.index(after: end.lowerBound)]
        }
        guard sentence.count > derivedTitleLength else { return String(sentence) }
        let cut = sentence.prefix(derivedTitleLength - 1)
        let head = cut.lastIndex(of: " ").map { cut[..<$0] } ?? cut
        return head + "…"
    }
}
