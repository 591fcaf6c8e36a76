/// What the standard tokenizer does with one non-ASCII Unicode scalar, and the (lowercased,
/// folded) UTF-8 bytes it contributes to a token.
///
/// Folding table (when `AnalyzerOptions.foldDiacritics`): Latin-1 Supplement and Latin
/// Extended-A letters map to ASCII (`é`->`e`, `ü`->`u`, `ß`->`ss`, `æ`->`ae`, `œ`->`oe`,
/// `ø`->`o`, `ł`->`l`, `đ`/`ð`->`d`, `þ`->`th`, `ĳ`->`ij`, `ı`->`i`, `ſ`->`s`), `ª`/`º` to `a`/`o`,
/// superscripts `¹²³` to digits, `µ` (micro sign) to Greek `μ`, and combining diacritics
/// (U+0300–U+036F, i.e. NFD accents) vanish. Every other letter is lowercased with its Unicode
/// lowercase mapping; other decimal digits (Nd) become ASCII digits; fullwidth ASCII letters
/// and digits become ASCII.
struct ScalarInfo: Sendable, Equatable {
    enum Kind: UInt8, Sendable {
        /// Part of a word; contributes `bytes` and `chars` characters.
        case letter
        /// A digit (already mapped to ASCII); contributes `bytes`.
        case digit
        /// A combining mark that stays (scripts other than folded Latin): appended, not counted.
        case mark
        /// Han, Hiragana, Katakana, Hangul: indexed as character bigrams.
        case cjk
        /// Joins compound parts like `-` (U+2010 hyphen, U+2011 non-breaking hyphen, fullwidth `－`).
        case hyphen
        /// Like `'` (U+2019 right single quotation mark, U+02BC modifier apostrophe).
        case apostrophe
        /// Ignored without breaking the word (soft hyphen, zero-width joiners, BOM, variation
        /// selectors; combining accents when folding).
        case transparent
        /// Ends the current token (punctuation, symbols, spaces, emoji, ...).
        case separator
    }

    var kind: Kind
    /// Number of characters this scalar adds to the token (for `minTokenLength`).
    var chars: UInt8
    /// Number of valid bytes in `bytes` (0...8).
    var count: UInt8
    /// Output UTF-8 bytes, little-endian packed (first byte in the low 8 bits).
    var bytes: UInt64

    static let separator = ScalarInfo(kind: .separator, chars: 0, count: 0, bytes: 0)
    static let transparent = ScalarInfo(kind: .transparent, chars: 0, count: 0, bytes: 0)
    static let cjk = ScalarInfo(kind: .cjk, chars: 1, count: 0, bytes: 0)
    static let hyphen = ScalarInfo(kind: .hyphen, chars: 0, count: 0, bytes: 0)
    static let apostrophe = ScalarInfo(kind: .apostrophe, chars: 0, count: 0, bytes: 0)

    /// A letter or digit whose output is `text` (at most 8 UTF-8 bytes).
    init(kind: Kind, output text: String, chars: Int) {
        var packed: UInt64 = 0
        var n = 0
        for b in text.utf8.prefix(8) {
            packed |= UInt64(b) << (8 * UInt64(n))
            n += 1
        }
        self.init(kind: kind, chars: UInt8(truncatingIfNeeded: chars), count: UInt8(n), bytes: packed)
    }

    init(kind: Kind, chars: UInt8, count: UInt8, bytes: UInt64) {
        self.kind = kind
        self.chars = chars
        self.count = count
        self.bytes = bytes
    }

    /// True for the scripts indexed as bigrams: Hangul Jamo, CJK ideographic iteration marks
    /// (々〆〇), Hiragana, Katakana (without `゠` and the middle dot `・`), Hangul compatibility
    /// Jamo, Katakana extensions, CJK Unified Ideographs (+ Extension A and B–G), Hangul
    /// syllables and Jamo extensions, CJK compatibility ideographs, halfwidth Katakana.
    @inline(__always)
    static func isCJK(_ u: UInt32) -> Bool {
        if u < 0x1100 { return false }
        switch u {
        case 0x4E00...0x9FFF, 0x3041...0x309F, 0x30A1...0x30FA, 0x30FC...0x30FF, 0xAC00...0xD7AF,
            0x3400...0x4DBF, 0x3005...0x3007, 0x31F0...0x31FF, 0xF900...0xFAFF, 0xFF66...0xFF9F,
            0x1100...0x11FF, 0x3131...0x318F, 0xA960...0xA97F, 0xD7B0...0xD7FF, 0x20000...0x3134F:
            return true
        default:
            return false
        }
    }

    /// ASCII-folding targets of U+0100...U+017F (Latin Extended-A), in code point order.
    private static let latinExtendedA: [String] = (
        "a a a a a a c c c c c c c c d d d d e e e e e e e e e e g g g g g g g g h h h h "
            + "i i i i i i i i i i ij ij j j k k k l l l l l l l l l l n n n n n n n n n "
            + "o o o o o o oe oe r r r r r r s s s s s s s s t t t t t t u u u u u u u u u u u u "
            + "w w y y y z z z z z z s"
    ).split(separator: " ").map(String.init)

    /// ASCII-folding targets of U+00C0...U+00FF ("" = not a letter: `×`, `÷`).
    private static let latin1Letters: [String] = (
        "a a a a a a ae c e e e e i i i i d n o o o o o _ o u u u u y th ss "
            + "a a a a a a ae c e e e e i i i i d n o o o o o _ o u u u u y th y"
    ).split(separator: " ").map { $0 == "_" ? "" : String($0) }

    /// The table for U+0000...U+017F used by the standard tokenizer (entries below U+0080 are
    /// unused: ASCII has its own byte table). Exposed for tests.
    static func latinTable(fold: Bool) -> [ScalarInfo] {
        var table = [ScalarInfo](repeating: .separator, count: 0x180)
        for u in UInt32(0x80)..<0x180 {
            guard let scalar = Unicode.Scalar(u) else { continue }
            table[Int(u)] = classifyGeneric(scalar, fold: fold)
        }
        guard fold else { return table }
        for (k, target) in latin1Letters.enumerated() where !target.isEmpty {
            table[0xC0 + k] = ScalarInfo(kind: .letter, output: target, chars: target.count)
        }
        for (k, target) in latinExtendedA.enumerated() {
            table[0x100 + k] = ScalarInfo(kind: .letter, output: target, chars: target.count)
        }
        table[0xAA] = ScalarInfo(kind: .letter, output: "a", chars: 1)  // ª
        table[0xBA] = ScalarInfo(kind: .letter, output: "o", chars: 1)  // º
        table[0xB5] = ScalarInfo(kind: .letter, output: "\u{03BC}", chars: 1)  // µ -> μ
        table[0xB9] = ScalarInfo(kind: .digit, output: "1", chars: 1)  // ¹
        table[0xB2] = ScalarInfo(kind: .digit, output: "2", chars: 1)  // ²
        table[0xB3] = ScalarInfo(kind: .digit, output: "3", chars: 1)  // ³
        return table
    }

    /// Classification of any scalar outside the ASCII and Latin tables (and of those, when the
    /// tables are built).
    static func classifyGeneric(_ scalar: Unicode.Scalar, fold: Bool) -> ScalarInfo {
        let u = scalar.value
        switch u {
        case 0x2010, 0x2011, 0xFE63, 0xFF0D:
            return .hyphen
        case 0x2019, 0x02BC, 0xFF07:
            return .apostrophe
        case 0x00AD, 0x200C, 0x200D, 0x2060, 0xFEFF, 0xFE00...0xFE0F:
            return .transparent
        case 0x0300...0x036F:
            return fold ? .transparent : ScalarInfo(kind: .mark, output: String(scalar), chars: 0)
        case 0xFF10...0xFF19:
            return ScalarInfo(kind: .digit, output: String(UnicodeScalar(UInt8(u - 0xFF10) + 0x30)), chars: 1)
        case 0xFF21...0xFF3A:
            return ScalarInfo(kind: .letter, output: String(UnicodeScalar(UInt8(u - 0xFF21) + 0x61)), chars: 1)
        case 0xFF41...0xFF5A:
            return ScalarInfo(kind: .letter, output: String(UnicodeScalar(UInt8(u - 0xFF41) + 0x61)), chars: 1)
        default:
            break
        }
        if isCJK(u) { return .cjk }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            let lower = properties.lowercaseMapping
            // Mappings longer than 8 bytes do not exist today; keep the scalar itself if one appears.
            let output = lower.utf8.count <= 8 ? lower : String(scalar)
            return ScalarInfo(kind: .letter, output: output, chars: 1)
        case .nonspacingMark, .spacingMark, .enclosingMark:
            return ScalarInfo(kind: .mark, output: String(scalar), chars: 0)
        case .decimalNumber:
            if let v = properties.numericValue, v >= 0, v <= 9, v == Double(Int(v)) {
                return ScalarInfo(kind: .digit, output: String(Int(v)), chars: 1)
            }
            return ScalarInfo(kind: .letter, output: String(scalar), chars: 1)
        default:
            return .separator
        }
    }
}
