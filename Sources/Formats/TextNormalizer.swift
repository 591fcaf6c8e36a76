/// Whitespace clean-up shared by the importers.
enum TextNormalizer {
    /// Collapses every run of Unicode whitespace (spaces, tabs, newlines, no-break
    /// spaces, ideographic spaces, ...) to one space and trims both ends.
    ///
    /// Most records are already clean, so a byte scan first checks whether anything
    /// needs to change and returns `text` unchanged when not.
    static func collapseWhitespace(_ text: String) -> String {
        if isCollapsed(text) { return text }
        var result = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if isWhitespace(scalar) {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace {
                result.append(" ")
                pendingSpace = false
            }
            result.append(scalar)
        }
        return String(result)
    }

    /// True when `text` has no leading/trailing whitespace, no double spaces and no
    /// whitespace other than single ASCII spaces.
    static func isCollapsed(_ text: String) -> Bool {
        if let fast = text.utf8.withContiguousStorageIfAvailable({ isCollapsed(bytes: $0) }) { return fast }
        // Bridged strings: make a native copy first.
        var native = text
        native.makeContiguousUTF8()
        return native.utf8.withContiguousStorageIfAvailable { isCollapsed(bytes: $0) } ?? false
    }

    private static func isCollapsed(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
        let count = bytes.count
        if base[0] == 0x20 || base[count - 1] == 0x20 { return false }
        // Eight bytes at a time in a UInt64 ("SWAR"). A word that holds a byte >= 0x80
        // (maybe a non-ASCII space) or a control byte < 0x20 is checked exactly by `scan`;
        // otherwise only doubled spaces can be wrong, found with a per-byte space mask.
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let spaces = ones &* 0x20
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            // Some byte >= 0x80, or some byte < 0x20 (the classic "has less than n" test).
            if word & high != 0 || ((word &- spaces) & ~word & high) != 0 {
                if !scan(base, from: i, to: i + 8, count: count) { return false }
                i += 8
                continue
            }
            // 0x80 in every byte that equals 0x20: bytes of `word ^ spaces` that are zero.
            let diff = word ^ spaces
            let spaceMask = ~(((diff & low7) &+ low7) | diff) & high
            // Two adjacent spaces inside the word, or across the previous word's end.
            if spaceMask & (spaceMask >> 8) != 0 { return false }
            if spaceMask & 0x80 != 0 && i > 0 && base[i - 1] == 0x20 { return false }
            i += 8
        }
        return scan(base, from: i, to: count, count: count)
    }

    /// Exact check of `base[from..<to]` (the byte before `from` sets the space state).
    private static func scan(_ base: UnsafePointer<UInt8>, from: Int, to: Int, count: Int) -> Bool {
        var previousSpace = from > 0 && base[from - 1] == 0x20
        var i = from
        while i < to {
            let byte = base[i]
            if byte == 0x20 {
                if previousSpace { return false }
                previousSpace = true
            } else {
                previousSpace = false
                if byte >= 0x09 && byte <= 0x0D { return false }
                if byte >= 0xC2 && byte <= 0xE3 {
                    // Lead bytes of the non-ASCII whitespace code points:
                    // U+0085, U+00A0 (C2 xx); U+1680 (E1 9A 80); U+2000-U+200A, U+2028,
                    // U+2029, U+202F, U+205F (E2 80/81 xx); U+3000 (E3 80 80).
                    let next = i + 1 < count ? base[i + 1] : 0
                    let third = i + 2 < count ? base[i + 2] : 0
                    switch byte {
                    case 0xC2 where next == 0x85 || next == 0xA0: return false
                    case 0xE1 where next == 0x9A && third == 0x80: return false
                    case 0xE2 where next == 0x80 && (third <= 0x8A || third == 0xA8 || third == 0xA9 || third == 0xAF):
                        return false
                    case 0xE2 where next == 0x81 && third == 0x9F: return false
                    case 0xE3 where next == 0x80 && third == 0x80: return false
                    default: break
                    }
                }
            }
            i += 1
        }
        return true
    }

    /// Unicode `White_Space`, with an ASCII fast path.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 {
            return scalar.value == 0x20 || (scalar.value >= 0x09 && scalar.value <= 0x0D)
        }
        return scalar.properties.isWhitespace
    }

    /// `text` without leading and trailing Unicode whitespace.
    static func trim<S: StringProtocol>(_ text: S) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isWhitespace($0) }),
            let last = scalars.lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }

    /// True when `bytes` holds only ASCII whitespace (or nothing).
    static func isBlank(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
    }
}
