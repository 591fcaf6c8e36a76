import Core
// Analyzer: the one text analyzer used by indexing, queries, BM25 and tagging.
//
// Pipeline (standard tokenization): UTF-8 bytes -> tokens -> lowercase + fold diacritics ->
// drop short/long tokens -> drop stop words -> Snowball English stem. The same
// `AnalyzerOptions` is stored with a model, so queries are analysed exactly like documents.
//
// TOKENIZATION POLICY (standard; every rule is exercised in AnalyzerTests):
//
// * Words are maximal runs of letters and digits (ASCII, or Unicode letters/digits; fullwidth
//   ASCII counts as ASCII). ASCII is lowercased by table; Latin-1 Supplement and Latin
//   Extended-A letters are folded by table (`é`->e, `ü`->u, `ß`->ss, `ø`->o, `æ`->ae); other
//   letters are lowercased by their Unicode mapping (Greek `Σ`->σ stays Greek). Combining
//   accents (NFD text) vanish. Everything that is not a letter/digit separates tokens, except
//   the joiners below.
// * Length: tokens of fewer than `minTokenLength` (2) characters are dropped (`a`, `x`, `5`);
//   tokens longer than `maxTokenBytes` (64) UTF-8 bytes are DROPPED (not truncated: they are
//   sequences, hashes, base64 or glued junk, and a prefix would be a fake word).
// * Numbers: a number is a token like any other; so 1-digit numbers go (length rule) and
//   `10`, `2023`, `100` stay. Digits attached to letters stay in the token: `7b`, `2x`, `p53`,
//   `bert4rec`. A `.` between two digits is kept (`3.5`, `0.95`, `v1.2`); a `,` followed by
//   exactly three digits is a thousands separator and is removed (`10,000` -> `10000`).
//   Pure numbers are not stemmed.
// * Hyphens (`-`, U+2010, U+2011): `a-b-c` (single hyphens between letters/digits) emits every
//   part under the normal rules, THEN the joined compound `abc` when at least one part has a
//   letter. So the query "long context" matches "long-context" through the parts, and the
//   query "long-context" also matches the compound more strongly:
//     long-context -> long, context, longcontext;   gpt-4v -> gpt, 4v, gpt4v;
//     llama-2 -> llama, llama2 (`2` too short);   covid-19 -> covid, 19, covid19;
//     state-of-the-art -> state, art, stateoftheart (stop words only vanish as parts);
//     gpt-3.5 -> gpt, 3.5, gpt3.5;   10-20 -> 10, 20 (no compound: no letter).
//   At most 8 parts per compound (a 9th part starts a new chain). `--`, en/em dashes (–, —),
//   minus signs and leading/trailing hyphens separate.
// * Apostrophes (`'`, U+2019, U+02BC) between letters: a possessive `'s` at the end of a word
//   is removed (`model's` -> `model`); otherwise the apostrophe is deleted and the word goes on
//   (`don't` -> `dont`, which is a stop word; `O'Neill` -> `oneill`). Elsewhere they separate
//   (quotes). Other quotes and Unicode dashes separate.
// * LaTeX (arXiv abstracts keep it): a command name `\word` is dropped and separates;
//   its braced arguments are tokenized as text (`\textit{pause}` -> pause, `\emph{..}`).
//   Every `\...cite...` command (`\cite`, `\citep`, `\newcite`), `\ref`, `\eqref`, `\cref`,
//   `\label`, `\url`, `\href` (first argument only), `\includegraphics`, ... drop their
//   first `{...}` argument (and `[...]` options).
//   Escapes `\%` `\&` `\$` `\_` `\#` `\{` `\}` `\\` separate. Accent escapes `\"o`, `\'{e}`,
//   `{\"o}` are transparent (`Schr\"odinger` -> schrodinger, like `Schrödinger`).
//   Math `$...$` gets no special mode (unbalanced `$` and currency are common): `$` separates
//   and the math content is tokenized like text, so `$O(n^2)$`, `$\mathcal{O}$`, `$\alpha$`
//   yield nothing (one-letter and command-name tokens), while `$10^{-3}$` yields `10`.
//   Braces separate (`{T}ransformer` -> transformer is NOT recovered; rare).
// * URLs and e-mails are dropped entirely (hosts like github/com/http are noise):
//   `scheme://...` (scheme = letters/digits/`+.-`) and `www.` at the start of a
//   whitespace-delimited chunk, up to whitespace, a non-ASCII character or one of `)]}>"<`;
//   e-mails `local@domain.tld` or `{a,b}@domain.tld` (a dot followed by a letter after the `@`).
//   Other `@` separate, so `nDCG@10` -> ndcg, 10. Bare domains (`github.com/x`) are tokenized
//   as words.
// * CJK (Han, Hiragana, Katakana, Hangul): each maximal run of CJK characters yields its
//   overlapping character bigrams (`言語モデル` -> 言語, 語モ, モデ, デル); a one-character run
//   yields that character (exempt from `minTokenLength`). Runs end at any other character, so
//   mixed text works (`GPTモデル` -> gpt, モデ, デル). No stop words, no stemming for CJK.
// * Acronym plurals: a part spelled with two or more capitals and one final lowercase `s`
//   (`LLMs`, `GPUs`, `APIs`, `CNNs`) loses the `s`; a lowercase vowel-less token ending in one
//   `s` (`llms`, `cnns`) loses it before stemming. Snowball alone keeps `llms` and `gpus`,
//   which would split the most frequent ML terms from their singular.
// * Any input is safe: empty, only punctuation, NUL bytes (separators), emoji (separators),
//   a 100,000-character token (scanned in O(n), dropped by the length cap).
//
// Stop words are looked up on the folded lowercase token before stemming; compounds are
// looked up too. Stemming: Snowball English (libstemmer) for tokens that contain a letter.
//
// sklearn tokenization (`AnalyzerOptions.Tokenization.sklearn`, preset `peerCompatible`)
// reproduces scikit-learn's `re.findall(r"(?u)\b\w\w+\b", text.lower())`: `\w` is a Unicode
// letter (L*), anything with a Unicode numeric type, or `_`; a token is a maximal run of at least
// two of them. Lowercasing is Swift's `lowercased()` (full Unicode mapping; Python also applies
// the final-sigma rule, which Swift does not: Greek words ending in Σ may differ).
//
// Performance: tokens are assembled as bytes in one scratch buffer; a bounded byte-keyed
// `TermCache` maps each token's bytes to the cached term String, so the stemmer and the
// String allocation only run on the first sighting of a token. `CorpusAnalyzer` keeps its own
// byte-keyed cache from tokens to term ids (`forEachToken`), so indexing builds no String per token.

/// Turns text into index terms. Owns a Snowball stemmer and a term cache, so it is NOT
/// thread-safe: use one `Analyzer` per thread (creating one is cheap, about a millisecond).
public final class Analyzer {
    /// The options this analyzer applies (store them with any model built from its terms).
    public let options: AnalyzerOptions

    private let stemmer: SnowballStemmer
    private let stopWordSet: Set<String>
    private let cache: TermCache<String>
    private let minChars: Int
    private let maxBytes: Int
    /// ASCII byte -> `ByteClass` raw value, and ASCII byte -> lowercase byte.
    private let asciiClass: UnsafeMutablePointer<UInt8>
    private let asciiLower: UnsafeMutablePointer<UInt8>
    /// Any byte -> 1 for ASCII whitespace/NUL (chunk boundary), 2 for `:` and `@` (possible
    /// URL or e-mail in the chunk), 0 otherwise.
    private let chunkFlags: UnsafeMutablePointer<UInt8>
    /// U+0000...U+017F -> classification (folded or not, per options).
    private let latin: UnsafeMutablePointer<ScalarInfo>
    /// Classification memo for the rarer scalars above U+017F that are not CJK.
    private var scalarMemo: [UInt32: ScalarInfo] = [:]
    /// Token assembly buffer (grows only when `maxTokenBytes` is nil or large).
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int
    private let parts: UnsafeMutablePointer<Part>

    /// Most parts a hyphen compound may have.
    static let maxCompoundParts = 8

    /// LaTeX commands whose first braced argument is dropped (besides every `\cite...`).
    private static let skipArgumentCommands: [[UInt8]] = [
        "ref", "eqref", "autoref", "cref", "Cref", "pageref", "label", "url", "href", "nocite",
        "includegraphics", "bibliography", "bibliographystyle", "input", "include",
    ].map { Array($0.utf8) }

    /// Byte classes of the ASCII table.
    private enum ByteClass: UInt8 {
        case separator = 0, letter, digit, space, hyphen, apostrophe, dot, comma, backslash, openBrace
    }

    /// One part of a hyphen chain, as a byte range of `scratch`.
    private struct Part {
        var start: Int
        var end: Int
        var chars: Int
        var hasLetter: Bool
        var overflow: Bool
    }

    /// Creates an analyzer.
    /// - Parameters:
    ///   - options: the analysis options (default: standard tokenizer, English stop words, stemming).
    ///   - cacheCapacity: how many distinct tokens the term cache keeps before it is cleared.
    /// - Throws: `PaperSearchError.invalidOption` for a non-positive `maxTokenBytes` or
    ///   `minTokenLength`, `PaperSearchError.stemmerUnavailable` if libstemmer fails.
    public init(options: AnalyzerOptions = .init(), cacheCapacity: Int = 1 << 18) throws {
        if options.minTokenLength < 1 {
            throw PaperSearchError.invalidOption(
                option: "minTokenLength", value: String(options.minTokenLength), expected: "an integer >= 1")
        }
        if let m = options.maxTokenBytes, m < 1 {
            throw PaperSearchError.invalidOption(
                option: "maxTokenBytes", value: String(m), expected: "an integer >= 1, or none for no limit")
        }
        self.options = options
        stemmer = try SnowballStemmer(memoCapacity: 0)
        stopWordSet = StopWords.words(for: options.stopWords)
        cache = TermCache<String>(capacity: cacheCapacity)
        minChars = options.minTokenLength
        maxBytes = options.maxTokenBytes ?? Int.max

        asciiClass = .allocate(capacity: 128)
        asciiLower = .allocate(capacity: 128)
        chunkFlags = .allocate(capacity: 256)
        chunkFlags.initialize(repeating: 0, count: 256)
        for c in [0x00, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20] { chunkFlags[c] = 1 }
        chunkFlags[Int(UInt8(ascii: ":"))] = 2
        chunkFlags[Int(UInt8(ascii: "@"))] = 2
        for b in 0..<128 {
            let c = UInt8(b)
            var k = ByteClass.separator
            switch c {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): k = .letter
            case UInt8(ascii: "0")...UInt8(ascii: "9"): k = .digit
            case 0x00, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20: k = .space
            case UInt8(ascii: "-"): k = .hyphen
            case UInt8(ascii: "'"): k = .apostrophe
            case UInt8(ascii: "."): k = .dot
            case UInt8(ascii: ","): k = .comma
            case UInt8(ascii: "\\"): k = .backslash
            case UInt8(ascii: "{"): k = .openBrace
            default: k = .separator
            }
            asciiClass[b] = k.rawValue
            asciiLower[b] = (c >= 0x41 && c <= 0x5A) ? c + 0x20 : c
        }
        let table = ScalarInfo.latinTable(fold: options.foldDiacritics)
        latin = .allocate(capacity: table.count)
        latin.initialize(from: table, count: table.count)
        scratchCapacity = min(maxBytes, 1024) * Analyzer.maxCompoundParts + 64
        scratch = .allocate(capacity: scratchCapacity)
        parts = .allocate(capacity: Analyzer.maxCompoundParts)
    }

    deinit {
        asciiClass.deallocate()
        asciiLower.deallocate()
        chunkFlags.deallocate()
        latin.deinitialize(count: 0x180)
        latin.deallocate()
        scratch.deallocate()
        parts.deallocate()
    }

    // MARK: - Public API

    /// The terms of `text`, in text order, with repetitions (a document's term sequence).
    public func terms(_ text: String) -> [String] {
        var out: [String] = []
        out.reserveCapacity(text.utf8.count / 6)
        forEachTerm(text) { out.append($0) }
        return out
    }

    /// Calls `body` with each term of `text` in order. This is the hot path: a term seen before
    /// is handed out from the cache without allocating or stemming again.
    @inline(__always)
    public func forEachTerm(_ text: String, _ body: (String) -> Void) {
        // The token closure holds no strong reference (self outlives the call; the cache is
        // probed through its pointer handle): the scanner passes the closure's context to its
        // helpers once per token, and a strong reference costs a retain/release pair each time.
        let cache = self.cache.handle
        unowned(unsafe) let analyzer = self
        forEachToken(text) { p, n, stemmable in
            let e = cache.find(p, n)
            if e >= 0 {
                if let term = cache.value(at: e) { body(term) }
            } else if let term = analyzer.cacheMiss(p, n, stemmable: stemmable) {
                body(term)
            }
        }
    }

    /// A token the cache does not know: its term, cached.
    @inline(never)
    private func cacheMiss(_ p: UnsafePointer<UInt8>, _ n: Int, stemmable: Bool) -> String? {
        let term = term(token: UnsafeBufferPointer(start: p, count: n), stemmable: stemmable)
        cache.insert(p, n, term)
        return term
    }

    /// A token as the scanners emit it: its bytes (lowercased and folded, valid only during the
    /// call), its length, and whether it may be stemmed. `term(token:stemmable:)` turns it into
    /// the term, or nil for a stop word.
    typealias TokenSink = (UnsafePointer<UInt8>, Int, Bool) -> Void

    /// Calls `body` with each token of `text` in order, before stop words and stemming. For
    /// callers that memoise `term(token:stemmable:)` themselves by the token's bytes
    /// (`CorpusAnalyzer` maps them straight to term ids, with no String per token).
    @inline(__always)
    func forEachToken(_ text: String, _ body: TokenSink) {
        switch options.tokenization {
        case .standard:
            var t = text
            t.withUTF8 { scanStandard($0, body) }
        case .sklearn:
            var lower = text.lowercased()
            lower.withUTF8 { scanSklearn($0, body) }
        }
    }

    /// Cache statistics: hits, misses, resets (for benchmarks and tests).
    public var cacheStatistics: (hits: Int, misses: Int, resets: Int) {
        (cache.hits, cache.misses, cache.resets)
    }

    // MARK: - Term emission

    /// Emits the token `p[0..<n]` (already lowercased/folded).
    @inline(__always)
    private func emit(_ p: UnsafePointer<UInt8>, _ n: Int, stemmable: Bool, _ body: TokenSink) {
        body(p, n, stemmable)
    }

    /// The term of a token from `forEachToken` (the cache-miss path): stop-word check, then
    /// stemming. Nil for a dropped token (stop word).
    func term(token bytes: UnsafeBufferPointer<UInt8>, stemmable: Bool) -> String? {
        let surface = String(decoding: bytes, as: UTF8.self)
        if stopWordSet.contains(surface) { return nil }
        guard options.stem && stemmable else { return surface }
        if options.tokenization == .standard && Analyzer.isVowellessPlural(bytes) {
            // `llms` -> `llm`: Snowball keeps the `s` of a word without vowels.
            return stemmer.stem(utf8: UnsafeBufferPointer(rebasing: bytes.dropLast()))
        }
        return stemmer.stem(utf8: bytes)
    }

    /// A lowercase acronym plural: at least 3 ASCII letters/digits, none of them a vowel
    /// (`aeiouy`), ending in one `s` (`llms`, `cnns`, `vlms`; not `ss`).
    static func isVowellessPlural(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        guard n >= 3, bytes[n - 1] == UInt8(ascii: "s"), bytes[n - 2] != UInt8(ascii: "s") else { return false }
        for b in bytes {
            switch b {
            case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"),
                UInt8(ascii: "y"):
                return false
            case UInt8(ascii: "b")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                continue
            default:
                return false
            }
        }
        return true
    }

    // MARK: - sklearn tokenizer

    /// `re.findall(r"(?u)\b\w\w+\b", lowered)`: maximal runs of word scalars.
    private func scanSklearn(_ text: UnsafeBufferPointer<UInt8>, _ body: TokenSink) {
        guard let p = text.baseAddress else { return }
        let n = text.count
        var i = 0
        var runStart = -1
        var runChars = 0
        while i < n {
            let c = p[i]
            var isWord: Bool
            var length = 1
            if c < 0x80 {
                isWord = asciiClass[Int(c)] == ByteClass.letter.rawValue
                    || asciiClass[Int(c)] == ByteClass.digit.rawValue || c == UInt8(ascii: "_")
            } else {
                let (u, l) = Analyzer.decode(p, i, n)
                length = l
                isWord = Analyzer.isPythonWord(u)
            }
            if isWord {
                if runStart < 0 {
                    runStart = i
                    runChars = 0
                }
                runChars += 1
            } else if runStart >= 0 {
                if runChars >= minChars && i - runStart <= maxBytes {
                    emit(p + runStart, i - runStart, stemmable: true, body)
                }
                runStart = -1
            }
            i += length
        }
        if runStart >= 0 && runChars >= minChars && n - runStart <= maxBytes {
            emit(p + runStart, n - runStart, stemmable: true, body)
        }
    }

    /// Python's `\w` for str patterns: `str.isalnum()` (letters L*, or a Unicode numeric type) or `_`.
    static func isPythonWord(_ u: UInt32) -> Bool {
        guard let s = Unicode.Scalar(u) else { return false }
        let props = s.properties
        switch props.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return true
        default:
            return props.numericType != nil
        }
    }

    // MARK: - Standard tokenizer

    /// Decodes the UTF-8 scalar at `p[i]` (Swift strings are valid UTF-8; a truncated sequence
    /// at the end decodes as U+FFFD of length 1 so scanning always advances).
    @inline(__always)
    static func decode(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> (UInt32, Int) {
        let b0 = UInt32(p[i])
        if b0 < 0xE0 {
            guard b0 >= 0xC0, i + 1 < n else { return (0xFFFD, 1) }
            return ((b0 & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F), 2)
        }
        if b0 < 0xF0 {
            guard i + 2 < n else { return (0xFFFD, 1) }
            return ((b0 & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F), 3)
        }
        guard i + 3 < n else { return (0xFFFD, 1) }
        return (
            (b0 & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6
                | UInt32(p[i + 3] & 0x3F), 4
        )
    }

    /// Classification of a non-ASCII scalar.
    @inline(__always)
    private func classify(_ u: UInt32) -> ScalarInfo {
        if u < 0x180 { return latin[Int(u)] }
        if ScalarInfo.isCJK(u) { return .cjk }
        if u >= 0x2000 && u <= 0x206F {
            // General Punctuation: spaces, dashes, quotes, bullets; hyphens and U+2019 join.
            switch u {
            case 0x2010, 0x2011: return .hyphen
            case 0x2019: return .apostrophe
            case 0x200C, 0x200D, 0x2060: return .transparent
            default: return .separator
            }
        }
        if let hit = scalarMemo[u] { return hit }
        let info = Unicode.Scalar(u).map { ScalarInfo.classifyGeneric($0, fold: options.foldDiacritics) } ?? .separator
        scalarMemo[u] = info
        return info
    }

    /// The hyphen chain being assembled in `scratch`.
    private struct Chain {
        var buf: UnsafeMutablePointer<UInt8>
        var capacity: Int
        var len = 0
        var partStart = 0
        var partChars = 0
        var partLetter = false
        var partOverflow = false
        /// 0: nothing yet, 1: letter, 2: digit (what the part's last character was).
        var last: UInt8 = 0
        /// Letter case statistics of the part's ORIGINAL letters, for acronym plurals (`LLMs`):
        /// ASCII uppercase count, lowercase (and non-ASCII) count, last letter was a lowercase `s`.
        var upper = 0
        var lower = 0
        var lastLowerS = false
        var nParts = 0

        init(buf: UnsafeMutablePointer<UInt8>, capacity: Int) {
            self.buf = buf
            self.capacity = capacity
        }

        var partIsEmpty: Bool { len == partStart && !partOverflow }

        mutating func grow(minimum: Int = 0) {
            ByteArena.grow(&buf, capacity: &capacity, used: len, minimum: minimum)
        }
    }

    /// Appends one letter/digit byte to the current part (or marks the part as too long).
    @inline(__always)
    private func append(_ c: UInt8, _ chain: inout Chain) {
        if chain.len - chain.partStart < maxBytes {
            if chain.len == chain.capacity { chain.grow() }
            chain.buf[chain.len] = c
            chain.len += 1
        } else {
            chain.partOverflow = true
        }
    }

    /// Appends a classified non-ASCII scalar's output bytes.
    @inline(__always)
    private func append(_ info: ScalarInfo, _ chain: inout Chain) {
        var bytes = info.bytes
        for _ in 0..<Int(info.count) {
            append(UInt8(truncatingIfNeeded: bytes), &chain)
            bytes >>= 8
        }
    }

    /// Closes the current part (if non-empty) and starts a new one.
    @inline(__always)
    private func endPart(_ chain: inout Chain) {
        // Acronym plural: two or more capitals and one final lowercase `s` (`LLMs`, `GPUs`,
        // `APIs`, `CNNs`): the `s` goes, so they meet their singular (Snowball keeps `gpus`).
        if chain.lastLowerS && chain.lower == 1 && chain.upper >= 2 && !chain.partOverflow {
            chain.len -= 1
            chain.partChars -= 1
        }
        if !chain.partIsEmpty {
            parts[chain.nParts] = Part(
                start: chain.partStart, end: chain.len, chars: chain.partChars, hasLetter: chain.partLetter,
                overflow: chain.partOverflow)
            chain.nParts += 1
        }
        chain.partStart = chain.len
        chain.partChars = 0
        chain.partLetter = false
        chain.partOverflow = false
        chain.last = 0
        chain.upper = 0
        chain.lower = 0
        chain.lastLowerS = false
    }

    /// Ends the chain: emits its parts, then the compound, and resets the buffer.
    private func flush(_ chain: inout Chain, _ body: TokenSink) {
        endPart(&chain)
        let n = chain.nParts
        if n == 0 { return }
        var anyLetter = false
        var anyOverflow = false
        var totalChars = 0
        for k in 0..<n {
            let part = parts[k]
            anyLetter = anyLetter || part.hasLetter
            anyOverflow = anyOverflow || part.overflow
            totalChars += part.chars
            if !part.overflow && part.chars >= minChars {
                emit(chain.buf + part.start, part.end - part.start, stemmable: part.hasLetter, body)
            }
        }
        if n >= 2 && anyLetter && !anyOverflow && totalChars >= minChars {
            let start = parts[0].start
            let length = parts[n - 1].end - start
            if length <= maxBytes { emit(chain.buf + start, length, stemmable: true, body) }
        }
        chain.nParts = 0
        chain.len = 0
        chain.partStart = 0
    }

    /// Whether a letter or digit (ASCII or not, not CJK) starts at `p[j]`, `j < end`.
    @inline(__always)
    private func wordCharAt(_ p: UnsafePointer<UInt8>, _ j: Int, _ end: Int, lettersOnly: Bool = false) -> Bool {
        guard j < end else { return false }
        let c = p[j]
        if c < 0x80 {
            let k = asciiClass[Int(c)]
            return k == ByteClass.letter.rawValue || (!lettersOnly && k == ByteClass.digit.rawValue)
        }
        let kind = classify(Analyzer.decode(p, j, end).0).kind
        return kind == .letter || (!lettersOnly && kind == .digit)
    }

    @inline(__always)
    private static func isASCIIDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
    @inline(__always)
    private static func isASCIILetter(_ c: UInt8) -> Bool { (c | 0x20) &- 0x61 < 26 }
    @inline(__always)
    private static func isASCIIAlnum(_ c: UInt8) -> Bool { isASCIIDigit(c) || isASCIILetter(c) }

    /// The whole standard tokenizer: splits the text into whitespace-delimited chunks, cuts
    /// URLs and e-mails out of them, and tokenizes what is left.
    private func scanStandard(_ text: UnsafeBufferPointer<UInt8>, _ body: TokenSink) {
        guard let p = text.baseAddress else { return }
        let n = text.count
        var chain = Chain(buf: scratch, capacity: scratchCapacity)
        defer {
            scratch = chain.buf
            scratchCapacity = chain.capacity
        }
        var pos = 0
        outer: while pos < n {
            while pos < n && chunkFlags[Int(p[pos])] == 1 { pos += 1 }
            if pos >= n { break }
            // The chunk [chunkStart, chunkEnd): up to the next ASCII whitespace. Note ':' and '@'.
            let chunkStart = pos
            var chunkEnd = pos
            var special = false
            while chunkEnd < n {
                let f = chunkFlags[Int(p[chunkEnd])]
                if f != 0 {
                    if f == 1 { break }
                    special = true
                }
                chunkEnd += 1
            }
            var segmentStart = chunkStart
            // `www.` at the chunk start (after opening punctuation) begins a URL.
            var w = chunkStart
            while w < chunkEnd && Analyzer.isOpeningPunctuation(p[w]) { w += 1 }
            if w + 4 <= chunkEnd && (p[w] | 0x20) == UInt8(ascii: "w") && (p[w + 1] | 0x20) == UInt8(ascii: "w")
                && (p[w + 2] | 0x20) == UInt8(ascii: "w") && p[w + 3] == UInt8(ascii: ".")
            {
                let r = scanSegment(p, n, segmentStart, w, &chain, body)
                if r > w {
                    pos = r
                    continue outer
                }
                segmentStart = Analyzer.urlEnd(p, w + 4, chunkEnd)
            }
            if special {
                while let cut = Analyzer.findCut(p, segmentStart, chunkEnd) {
                    let r = scanSegment(p, n, segmentStart, cut.start, &chain, body)
                    if r > cut.start {
                        pos = r
                        continue outer
                    }
                    segmentStart = cut.end
                }
            }
            let r = scanSegment(p, n, segmentStart, chunkEnd, &chain, body)
            pos = max(r, chunkEnd)
        }
        flush(&chain, body)
    }

    /// End of a URL whose body starts at `from`: the first whitespace (chunk end), non-ASCII
    /// byte, or one of `)]}>"<`.
    private static func urlEnd(_ p: UnsafePointer<UInt8>, _ from: Int, _ end: Int) -> Int {
        var e = from
        while e < end {
            let c = p[e]
            if c >= 0x80 || c == UInt8(ascii: ")") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}")
                || c == UInt8(ascii: ">") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "<")
            {
                break
            }
            e += 1
        }
        return e
    }

    /// The first URL (`scheme://...`) or e-mail (`local@domain.tld`) in `p[lo..<end]`.
    private static func findCut(_ p: UnsafePointer<UInt8>, _ lo: Int, _ end: Int) -> (start: Int, end: Int)? {
        var k = lo
        while k < end {
            let c = p[k]
            if c == UInt8(ascii: ":") && k + 2 < end && p[k + 1] == UInt8(ascii: "/") && p[k + 2] == UInt8(ascii: "/") {
                var s = k
                while s > lo
                    && (isASCIIAlnum(p[s - 1]) || p[s - 1] == UInt8(ascii: "+") || p[s - 1] == UInt8(ascii: ".")
                        || p[s - 1] == UInt8(ascii: "-"))
                {
                    s -= 1
                }
                while s < k && !isASCIILetter(p[s]) { s += 1 }  // a scheme starts with a letter
                if s < k { return (s, urlEnd(p, k + 3, end)) }
            } else if c == UInt8(ascii: "@") {
                var s = k
                while s > lo {
                    let b = p[s - 1]
                    guard isASCIIAlnum(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_")
                        || b == UInt8(ascii: "%") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
                    else { break }
                    s -= 1
                }
                if s == k && k > lo && p[k - 1] == UInt8(ascii: "}") {
                    // `{first.last,other}@host.edu`: the braced group is the local part.
                    var b = k - 1
                    while b > lo && k - b < 256 && p[b] != UInt8(ascii: "{") { b -= 1 }
                    if p[b] == UInt8(ascii: "{") { s = b }
                }
                while s < k && !isASCIIAlnum(p[s]) { s += 1 }
                var e = k + 1
                var dotLetter = false
                if s < k && e < end && isASCIIAlnum(p[e]) {
                    while e < end && (isASCIIAlnum(p[e]) || p[e] == UInt8(ascii: ".") || p[e] == UInt8(ascii: "-")) {
                        if p[e] == UInt8(ascii: ".") && e + 1 < end && isASCIILetter(p[e + 1]) { dotLetter = true }
                        e += 1
                    }
                }
                if dotLetter { return (s, e) }
            }
            k += 1
        }
        return nil
    }

    /// Skips up to two `[...]` options (no nesting, at most 256 bytes each, as in
    /// `\citep[see][p.~3]{key}`) then a balanced `{...}` (at most 2048 bytes) starting at `j`;
    /// returns `j` unchanged when there is no well-formed argument.
    private static func skipArgument(_ p: UnsafePointer<UInt8>, _ n: Int, _ j: Int) -> Int {
        var k = j
        for _ in 0..<2 where k < n && p[k] == UInt8(ascii: "[") {
            var e = k + 1
            while e < n && e - k < 256 && p[e] != UInt8(ascii: "]") { e += 1 }
            guard e < n && p[e] == UInt8(ascii: "]") else { break }
            k = e + 1
        }
        guard k < n && p[k] == UInt8(ascii: "{") else { return j }
        var depth = 0
        var e = k
        while e < n && e - k < 2048 {
            if p[e] == UInt8(ascii: "{") {
                depth += 1
            } else if p[e] == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { return e + 1 }
            }
            e += 1
        }
        return j
    }

    /// Whether the LaTeX command named `p[s..<e]` has its first argument dropped.
    private static func dropsArgument(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        let n = e - s
        // Every citation command: \cite, \citep, \citet, \newcite, \parencite, \textcite, ...
        var k = s
        while k + 4 <= e {
            if p[k] == UInt8(ascii: "c") && p[k + 1] == UInt8(ascii: "i") && p[k + 2] == UInt8(ascii: "t")
                && p[k + 3] == UInt8(ascii: "e")
            {
                return true
            }
            k += 1
        }
        for name in skipArgumentCommands where name.count == n {
            var equal = true
            for k in 0..<n where name[k] != p[s + k] {
                equal = false
                break
            }
            if equal { return true }
        }
        return false
    }

    @inline(__always)
    private static func isOpeningPunctuation(_ c: UInt8) -> Bool {
        c == UInt8(ascii: "(") || c == UInt8(ascii: "[") || c == UInt8(ascii: "<") || c == UInt8(ascii: "\"")
            || c == UInt8(ascii: "'") || c == UInt8(ascii: "{")
    }

    @inline(__always)
    private static func isAccentEscape(_ c: UInt8) -> Bool {
        c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "^") || c == UInt8(ascii: "`")
            || c == UInt8(ascii: "~") || c == UInt8(ascii: "=") || c == UInt8(ascii: ".")
    }

    /// Tokenizes `p[from..<end]` (no whitespace-delimited URL inside). Returns `end`, or a
    /// position past it when a LaTeX argument skip crossed it (the caller resumes there).
    private func scanSegment(
        _ p: UnsafePointer<UInt8>, _ n: Int, _ from: Int, _ end: Int, _ chain: inout Chain,
        _ body: TokenSink
    ) -> Int {
        var i = from
        while i < end {
            let c = p[i]
            if c < 0x80 {
                switch asciiClass[Int(c)] {
                case ByteClass.letter.rawValue:
                    // Fast path: the whole run of ASCII letters at once (one branch per run,
                    // not a jump-table dispatch per byte).
                    var j = i + 1
                    while j < end && p[j] < 0x80 && asciiClass[Int(p[j])] == ByteClass.letter.rawValue { j += 1 }
                    let run = j - i
                    var upper = 0
                    if chain.len - chain.partStart + run <= maxBytes {
                        if chain.len + run > chain.capacity { chain.grow(minimum: chain.len + run) }
                        let out = chain.buf + chain.len
                        for k in 0..<run {
                            let b = p[i + k]
                            upper &+= b < 0x61 ? 1 : 0
                            out[k] = asciiLower[Int(b)]
                        }
                        chain.len += run
                    } else {
                        for k in 0..<run {
                            upper &+= p[i + k] < 0x61 ? 1 : 0
                            append(asciiLower[Int(p[i + k])], &chain)
                        }
                    }
                    chain.partChars += run
                    chain.partLetter = true
                    chain.last = 1
                    chain.upper += upper
                    chain.lower += run - upper
                    chain.lastLowerS = p[j - 1] == UInt8(ascii: "s")
                    i = j
                case ByteClass.digit.rawValue:
                    append(c, &chain)
                    chain.partChars += 1
                    chain.last = 2
                    chain.lastLowerS = false
                    i += 1
                case ByteClass.hyphen.rawValue:
                    hyphen(p, &i, 1, end, &chain, body)
                case ByteClass.apostrophe.rawValue:
                    apostrophe(p, &i, 1, end, &chain, body)
                case ByteClass.dot.rawValue:
                    // Decimal point: digit '.' digit stays inside the token.
                    if chain.last == 2 && i + 1 < end && Analyzer.isASCIIDigit(p[i + 1]) {
                        append(c, &chain)
                        chain.partChars += 1
                    } else {
                        flush(&chain, body)
                    }
                    i += 1
                case ByteClass.comma.rawValue:
                    // Thousands separator: digits ',' three digits (not four) inside a number.
                    if chain.last == 2 && !chain.partLetter && i + 3 < end && Analyzer.isASCIIDigit(p[i + 1])
                        && Analyzer.isASCIIDigit(p[i + 2]) && Analyzer.isASCIIDigit(p[i + 3])
                        && (i + 4 >= end || !Analyzer.isASCIIDigit(p[i + 4]))
                    {
                        i += 1
                    } else {
                        flush(&chain, body)
                        i += 1
                    }
                case ByteClass.backslash.rawValue:
                    let r = latexCommand(p, n, &i, end, &chain, body)
                    if r > end { return r }
                case ByteClass.openBrace.rawValue:
                    // `{\"o}`: a braced accent escape inside a word.
                    if i + 4 < end && p[i + 1] == UInt8(ascii: "\\") && Analyzer.isAccentEscape(p[i + 2])
                        && Analyzer.isASCIILetter(p[i + 3]) && p[i + 4] == UInt8(ascii: "}")
                    {
                        append(asciiLower[Int(p[i + 3])], &chain)
                        chain.partChars += 1
                        chain.partLetter = true
                        chain.last = 1
                        chain.lower += 1
                        chain.lastLowerS = false
                        i += 5
                    } else {
                        flush(&chain, body)
                        i += 1
                    }
                default:
                    flush(&chain, body)
                    i += 1
                }
                continue
            }
            let (u, length) = Analyzer.decode(p, i, end)
            let info = classify(u)
            switch info.kind {
            case .letter:
                append(info, &chain)
                chain.partChars += Int(info.chars)
                chain.partLetter = true
                chain.last = 1
                chain.lower += 1
                chain.lastLowerS = false
                i += length
            case .digit:
                append(info, &chain)
                chain.partChars += 1
                chain.last = 2
                chain.lastLowerS = false
                i += length
            case .mark:
                if !chain.partIsEmpty { append(info, &chain) }
                i += length
            case .transparent:
                i += length
            case .hyphen:
                hyphen(p, &i, length, end, &chain, body)
            case .apostrophe:
                apostrophe(p, &i, length, end, &chain, body)
            case .cjk:
                flush(&chain, body)
                i = cjkRun(p, i, length, end, body)
            case .separator:
                flush(&chain, body)
                i += length
            }
        }
        flush(&chain, body)
        return end
    }

    /// A hyphen of `length` bytes at `i`: joins two parts of a compound, else separates.
    @inline(__always)
    private func hyphen(
        _ p: UnsafePointer<UInt8>, _ i: inout Int, _ length: Int, _ end: Int, _ chain: inout Chain,
        _ body: TokenSink
    ) {
        if !chain.partIsEmpty && wordCharAt(p, i + length, end) {
            endPart(&chain)
            if chain.nParts >= Analyzer.maxCompoundParts { flush(&chain, body) }
        } else {
            flush(&chain, body)
        }
        i += length
    }

    /// An apostrophe of `length` bytes at `i`: possessive `'s` removed, `x'y` joined, else separates.
    @inline(__always)
    private func apostrophe(
        _ p: UnsafePointer<UInt8>, _ i: inout Int, _ length: Int, _ end: Int, _ chain: inout Chain,
        _ body: TokenSink
    ) {
        let next = i + length
        guard chain.last == 1 && wordCharAt(p, next, end, lettersOnly: true) else {
            flush(&chain, body)
            i += length
            return
        }
        if (p[next] | 0x20) == UInt8(ascii: "s") && !wordCharAt(p, next + 1, end) {
            i = next + 1  // possessive 's: dropped; the word ends at the next character
        } else {
            i = next  // inner apostrophe: deleted, the word continues
        }
    }

    /// A backslash at `i`: LaTeX command, escape or accent. Returns the position reached when
    /// an argument skip went past `end` (then the segment is over), else `end`.
    private func latexCommand(
        _ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int, _ end: Int, _ chain: inout Chain,
        _ body: TokenSink
    ) -> Int {
        guard i + 1 < end else {
            flush(&chain, body)
            i += 1
            return end
        }
        let next = p[i + 1]
        if Analyzer.isASCIILetter(next) {
            // \name: the name is dropped; some commands drop their first argument as well.
            flush(&chain, body)
            var j = i + 1
            while j < end && Analyzer.isASCIILetter(p[j]) { j += 1 }
            if Analyzer.dropsArgument(p, i + 1, j) {
                let k = Analyzer.skipArgument(p, n, j)
                if k > end {
                    i = end
                    return k
                }
                j = k
            }
            i = j
        } else if Analyzer.isAccentEscape(next) {
            // \"o or \'{e}: the accent vanishes and the letter stays in the word.
            i += 2
            if i + 2 < end && p[i] == UInt8(ascii: "{") && Analyzer.isASCIILetter(p[i + 1])
                && p[i + 2] == UInt8(ascii: "}")
            {
                append(asciiLower[Int(p[i + 1])], &chain)
                chain.partChars += 1
                chain.partLetter = true
                chain.last = 1
                chain.lower += 1
                chain.lastLowerS = false
                i += 3
            }
        } else {
            // \% \& \$ \_ \# \{ \} \\ and anything else: an escaped symbol, a separator.
            flush(&chain, body)
            i += (next < 0x80) ? 2 : 1
        }
        return end
    }

    /// A CJK run starting with the scalar at `i` (of `length` bytes): emits its bigrams (or the
    /// single character, or the whole run when bigrams are off). Returns the run's end.
    private func cjkRun(
        _ p: UnsafePointer<UInt8>, _ i: Int, _ length: Int, _ end: Int, _ body: TokenSink
    ) -> Int {
        let bigrams = options.cjkBigrams
        var previous = i
        var j = i + length
        var count = 1
        while j < end && p[j] >= 0x80 {
            let (u, l) = Analyzer.decode(p, j, end)
            guard ScalarInfo.isCJK(u) else { break }
            if bigrams { emit(p + previous, j + l - previous, stemmable: false, body) }
            previous = j
            j += l
            count += 1
        }
        if count == 1 {
            emit(p + i, length, stemmable: false, body)
        } else if !bigrams && j - i <= maxBytes {
            emit(p + i, j - i, stemmable: false, body)
        }
        return j
    }
}

/// An analyzer owns non-thread-safe state (stemmer, caches): one per thread.
@available(*, unavailable)
extension Analyzer: Sendable {}
