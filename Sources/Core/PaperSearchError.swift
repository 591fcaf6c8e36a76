import Foundation

/// Every error the engine reports. Each case carries what its one-line message needs:
/// the bad value and what was expected. The CLI prints `papersearch: error: <description>`
/// and exits 2 for `isUsage` errors, 1 otherwise.
public enum PaperSearchError: Error, Equatable, CustomStringConvertible {
    // Input files
    case fileNotFound(path: String)
    case unreadableFile(path: String, reason: String)
    case emptyFile(path: String)
    case unknownFormat(path: String, expected: String)
    case malformedRecord(path: String, line: Int, reason: String)
    case missingField(path: String, line: Int, field: String)
    case invalidUTF8(path: String, line: Int)
    case truncatedGzip(path: String, reason: String)
    case invalidArxivID(value: String)
    // Usage
    case invalidOption(option: String, value: String, expected: String)
    // Store
    case databaseLocation(path: String, reason: String)
    case newerSchema(path: String, found: String, supported: String)
    /// An index of an older schema (`found` migrations applied) opened by a read-only command.
    case outdatedSchema(path: String, found: Int, needed: Int)
    case database(path: String, reason: String)
    case noIndex(path: String)
    case noPapers(path: String)
    case unknownPaper(id: String)
    case emptyQuery(query: String)
    /// A query snapshot's model was replaced (`index`) or extended (`add`) by a concurrent commit.
    case modelChanged(path: String)
    // Evaluation
    /// `eval --db PATH`: the model cannot rank `missing` of the dataset's `judged` documents.
    case evaluationWithoutDocuments(path: String, dataset: String, missing: Int, judged: Int, example: String)
    /// `tag --evaluate` over the period from `since` (through `until`) that holds no papers, or
    /// `papers` papers none of which has a tag from `tagSource`.
    case evaluationWithoutPapers(since: String, until: String?, papers: Int, tagSource: String)
    // Output
    /// A write to `target` (standard output) failed; `reason` is the errno text (strerror).
    case writeFailed(target: String, reason: String)
    // Network
    case network(url: String, reason: String)
    case httpStatus(url: String, status: Int)
    /// The arXiv API answered with its error feed (or an unusable answer); `message` is one line.
    case arxivAPI(url: String, message: String)
    // Numerics
    case lapack(routine: String, info: Int)
    // Text analysis
    case stemmerUnavailable(algorithm: String, encoding: String)

    /// A `.database` error found by the store's readers inside `PaperStore.read`/`write`, which
    /// fill in the file's path (the readers only see a connection).
    package static func damagedStore(_ reason: String) -> PaperSearchError {
        .database(path: "", reason: reason)
    }

    /// Whether the error concerns one record of an input file (which `--skip-invalid` skips)
    /// rather than the whole file (missing, corrupt gzip, unknown format), the store or the usage.
    public var isRecordLevel: Bool {
        switch self {
        case .malformedRecord, .missingField, .invalidUTF8, .invalidArxivID: return true
        default: return false
        }
    }

    /// Usage errors exit with status 2, everything else with 1.
    public var isUsage: Bool {
        switch self {
        case .invalidOption, .invalidArxivID, .emptyQuery: return true
        default: return false
        }
    }

    /// The message on one line: control characters of quoted values (a newline inside a JSON
    /// string id, a NUL) are escaped, and a message longer than `maxMessageLength` characters
    /// (a 1 MB bad value) keeps its start (path:line, option) and its end (what was expected).
    public var description: String {
        Self.oneLine(message)
    }

    /// Longest message printed; longer ones lose their middle.
    public static let maxMessageLength = 1000

    /// `text` with control characters escaped (`\n`, `\u{0}`) and its middle cut to fit `maxMessageLength`.
    static func oneLine(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(min(text.utf8.count, 4 * maxMessageLength))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += " "
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    escaped += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        guard escaped.count > maxMessageLength else { return escaped }
        let keep = (maxMessageLength - 3) / 2
        return String(escaped.prefix(keep)) + " … " + String(escaped.suffix(keep))
    }

    /// The message before `oneLine`.
    private var message: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file"
        case .unreadableFile(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .emptyFile(let path):
            return "\(path): empty file, expected paper records"
        case .unknownFormat(let path, let expected):
            return "\(path): unknown format, expected \(expected) (use --format to force one)"
        case .malformedRecord(let path, let line, let reason):
            return line > 0 ? "\(path):\(line): \(reason)" : "\(path): \(reason)"
        case .missingField(let path, let line, let field):
            return "\(path):\(line): missing or empty field '\(field)'"
        case .invalidUTF8(let path, let line):
            return "\(path):\(line): invalid UTF-8 bytes, expected UTF-8 text"
        case .truncatedGzip(let path, let reason):
            return "\(path): corrupt or truncated gzip data (\(reason))"
        case .invalidArxivID(let value):
            return "'\(value)' is not an arXiv id, expected e.g. 2309.17453, 2309.17453v2, cs/0501001 or an arxiv.org/abs URL"
        case .invalidOption(let option, let value, let expected):
            return "invalid value '\(value)' for \(option), expected \(expected)"
        case .databaseLocation(let path, let reason):
            return "cannot use database '\(path)': \(reason)"
        case .newerSchema(let path, let found, let supported):
            return "database '\(path)' was written by a newer papersearch (schema \(found), this build knows up to \(supported)); upgrade papersearch or use another --db"
        case .outdatedSchema(let path, let found, let needed):
            return "index '\(path)' has schema \(found), this papersearch needs \(needed); upgrade it with 'papersearch --db \(path) upgrade'"
        case .database(let path, let reason):
            return "database '\(path)': \(reason)"
        case .noIndex(let path):
            return "no index in '\(path)' yet; build one with 'papersearch import FILE' then 'papersearch index'"
        case .noPapers(let path):
            return "no papers in '\(path)' to index; import some first with 'papersearch import FILE'"
        case .unknownPaper(let id):
            return "paper '\(id)' is not in the index; get it with 'papersearch fetch --id \(id)' or 'papersearch add FILE'"
        case .emptyQuery(let query):
            return query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                ? "empty query, expected some words to search for"
                : "query '\(query)' has no searchable terms (only stop words or punctuation), expected content words"
        case .evaluationWithoutDocuments(let path, let dataset, let missing, let judged, let example):
            return "index '\(path)' cannot rank \(missing) of the \(judged) judged documents of \(dataset) (e.g. '\(example)'), expected all of them; evaluate without --db (a temporary index of the corpus), or import \(dataset)/corpus.jsonl into it and run 'papersearch index'"
        case .evaluationWithoutPapers(let since, let until, let papers, let tagSource):
            let period = until.map { "the period \(since) to \($0)" } ?? "the period since \(since)"
            let found = papers == 0 ? "" : " (\(papers) papers, none with a tag from \(tagSource))"
            return "nothing to evaluate in \(period)\(found), expected stored papers there with tags; choose another --since/--until/--week (see 'papersearch info')"
        case .modelChanged(let path):
            return "the index in '\(path)' changed during the query (a concurrent 'index' or 'add' committed), expected the model the query started with; run it again"
        case .writeFailed(let target, let reason):
            return "cannot write to \(target): \(reason)"
        case .network(let url, let reason):
            return "network failure for \(url): \(reason)"
        case .httpStatus(let url, let status):
            return "HTTP \(status) from \(url)"
        case .arxivAPI(let url, let message):
            return "arXiv API error for \(url): \(message)"
        case .lapack(let routine, let info):
            return "LAPACK \(routine) failed with info=\(info)"
        case .stemmerUnavailable(let algorithm, let encoding):
            return "libstemmer has no '\(algorithm)' stemmer for encoding '\(encoding)' (or is out of memory), expected the Snowball English stemmer of libstemmer-dev"
        }
    }
}
