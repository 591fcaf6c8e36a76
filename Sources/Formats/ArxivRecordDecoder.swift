import Core
/// Turns one arXiv-metadata JSON record into a `Paper`.
///
/// Two shapes are read:
/// - the shared sample's shape: `id`, `version` (int), `title`, `abstract`, `categories`
///   (list, primary first), `primary_category`, `published` (`YYYY-MM-DD HH:MM:SS`);
/// - the Kaggle "arxiv-metadata-oai-snapshot" shape: `id`, `title`, `abstract`,
///   `authors` (string), `categories` (space-separated string), `versions`
///   (`[{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}, ...]`) and
///   `update_date` (`2008-11-13`).
///
/// Fields of either shape are accepted in any record; the record counts as Kaggle
/// (source `.kaggle`) when it has `versions`, `update_date`, `submitter` or
/// `authors_parsed`, or a string `categories`. An optional `tags` list gives human
/// tags. Ids are normalised with `ArxivID` (`2309.17453v2` gives id `2309.17453`,
/// version 2); namespaced ids (`demo:0001`) are kept as they are, and `demo:` ids get
/// source `.demo`.
enum ArxivRecordDecoder {
    static func paper(from record: JSONRecord) throws -> Paper {
        // Identity.
        guard let rawID = try record.string("id") else {
            throw PaperSearchError.missingField(path: record.path, line: record.line, field: "id")
        }
        let trimmedID = TextNormalizer.collapseWhitespace(rawID)
        guard !trimmedID.isEmpty else {
            throw PaperSearchError.missingField(path: record.path, line: record.line, field: "id")
        }
        let id: String
        var version: Int?
        var isDemo = false
        if let parsed = ArxivID.parse(trimmedID) {
            id = parsed.id
            version = parsed.version
        } else if ArxivID.isNamespaced(trimmedID) {
            id = trimmedID
            isDemo = trimmedID.hasPrefix("demo:")
        } else {
            throw record.error(
                "invalid id '\(rawID)', expected an arXiv id like 2309.17453 or cs/0501001, or a namespaced id like demo:0001")
        }

        // Text.
        let title = TextNormalizer.collapseWhitespace(try record.string("title") ?? "")
        guard !title.isEmpty else {
            throw PaperSearchError.missingField(path: record.path, line: record.line, field: "title")
        }
        let abstract = TextNormalizer.collapseWhitespace(try record.string("abstract") ?? "")
        guard !abstract.isEmpty else {
            throw PaperSearchError.missingField(path: record.path, line: record.line, field: "abstract")
        }

        // Categories, primary first.
        var categoriesIsString = false
        if case .string = record.value("categories") { categoriesIsString = true }
        var categories = try record.stringList("categories", splitString: true) ?? []
        let primary = try record.string("primary_category").map(TextNormalizer.collapseWhitespace)
        if let primary, !primary.isEmpty {
            categories.removeAll { $0 == primary }
            categories.insert(primary, at: 0)
        }

        // Versions and dates.
        if let explicit = try record.int("version") {
            guard explicit >= 1 else { throw record.error("field 'version' must be a positive integer, found \(explicit)") }
            version = explicit
        }
        var published: String?
        if let raw = try record.string("published") {
            guard let normalized = ArxivDate.timestamp(raw) else {
                throw record.error("field 'published' must be a date like 2023-10-04 17:59:41, found '\(raw)'")
            }
            published = normalized
        }
        if let history = try versionHistory(record) {
            if version == nil { version = history.highest }
            if published == nil { published = history.firstCreated }
        }
        var updated: String?
        for key in ["update_date", "updated"] {
            guard let raw = try record.string(key) else { continue }
            guard let day = ArxivDate.day(raw) else {
                throw record.error("field '\(key)' must be a date like 2008-11-13, found '\(raw)'")
            }
            updated = day
            break
        }

        // Authors: a display string, or a list of names joined with ", ".
        var authors: String?
        if case .array = record.value("authors") {
            let list = try record.stringList("authors", splitString: false) ?? []
            authors = list.isEmpty ? nil : list.joined(separator: ", ")
        } else if let text = try record.string("authors") {
            let clean = TextNormalizer.collapseWhitespace(text)
            authors = clean.isEmpty ? nil : clean
        }

        // Human tags: `["rag", "#llm"]` gives ["rag", "llm"].
        var tags: [String] = []
        for tag in try record.stringList("tags", splitString: false) ?? [] {
            let name = tag.hasPrefix("#") ? String(tag.dropFirst()) : tag
            if !name.isEmpty && !tags.contains(name) { tags.append(name) }
        }

        let isKaggle =
            categoriesIsString || record.has("versions") || record.has("update_date")
            || record.has("submitter") || record.has("authors_parsed")
        let source: PaperSource = isDemo ? .demo : (isKaggle ? .kaggle : .arxivJSONL)
        return Paper(
            id: id, version: version, title: title, abstract: abstract, authors: authors,
            categories: categories, primaryCategory: categories.first, published: published,
            updated: updated, source: source, tags: tags)
    }

    /// The Kaggle `versions` list: highest version number and the v1 `created` time.
    private static func versionHistory(_ record: JSONRecord) throws -> (highest: Int?, firstCreated: String?)? {
        let expected = "a list of {\"version\": \"vN\", \"created\": \"Mon, 2 Apr 2007 19:18:42 GMT\"} objects"
        guard let list = try record.list("versions", expected: expected) else { return nil }
        var highest: Int?
        var firstCreated: String?
        var lowest = Int.max
        for element in list {
            guard case .object = element, case .string(let label) = element["version"],
                label.hasPrefix("v"), let number = Int(label.dropFirst()), number >= 1
            else { throw record.typeError("versions", expected, element) }
            highest = max(highest ?? number, number)
            if case .string(let created) = element["created"], number < lowest {
                guard let timestamp = ArxivDate.rfc2822(created) else {
                    throw record.error(
                        "field 'versions' has an unreadable date '\(created)', expected e.g. Mon, 2 Apr 2007 19:18:42 GMT")
                }
                lowest = number
                firstCreated = timestamp
            }
        }
        return (highest, firstCreated)
    }
}
