/// A byte-level parser for the JSON-lines records the importers read: one object per line.
///
/// It accepts a strict subset of RFC 8259 JSON, the shape real records have, with 2.5x fewer
/// instructions than `JSONSerialization` (which builds Foundation objects and bridges every
/// value; callgrind, first 10,000 lines of the arXiv sample, String creation included). Anything
/// outside the subset makes `parseObject` return nil, and `JSONRecord` then asks
/// `JSONSerialization`, so accepted input, values and error messages stay Foundation's:
/// - malformed JSON of any kind (Foundation then words the error);
/// - a top-level value that is not an object;
/// - a key repeated within one object (Foundation decides which one wins);
/// - `\u0000` and unpaired UTF-16 surrogate escapes;
/// - nesting deeper than `maxDepth`.
///
/// The bytes must be valid UTF-8 (the reader checks this first), so string contents without
/// escapes are copied as they are.
struct JSONScanner {
    /// Deepest nesting of lists and objects handled here.
    static let maxDepth = 64

    private let base: UnsafePointer<UInt8>
    private let end: Int
    private var i = 0
    /// Scratch for strings with escapes.
    private var scratch: [UInt8] = []

    private init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        end = count
    }

    /// The object in `bytes` (surrounding whitespace allowed), or nil when the text is not
    /// in the subset handled here.
    static func parseObject(_ bytes: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return nil }
        var scanner = JSONScanner(base: base, count: bytes.count)
        scanner.skipWhitespace()
        guard scanner.peek == UInt8(ascii: "{"), let value = scanner.value(depth: 0) else { return nil }
        scanner.skipWhitespace()
        return scanner.i == scanner.end ? value : nil
    }

    // MARK: - Grammar

    private var peek: UInt8 { i < end ? base[i] : 0 }

    private mutating func skipWhitespace() {
        while i < end {
            let c = base[i]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            i += 1
        }
    }

    private mutating func value(depth: Int) -> JSONValue? {
        guard depth < JSONScanner.maxDepth else { return nil }
        switch peek {
        case UInt8(ascii: "{"): return object(depth: depth)
        case UInt8(ascii: "["): return array(depth: depth)
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        default: return number()
        }
    }

    private mutating func object(depth: Int) -> JSONValue? {
        i += 1  // {
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            i += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\""), let key = string() else { return nil }
            // A repeated key: let Foundation decide.
            for member in members where member.key == key { return nil }
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { return nil }
            i += 1
            skipWhitespace()
            guard let element = value(depth: depth + 1) else { return nil }
            members.append((key, element))
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "}"):
                i += 1
                return .object(members)
            default: return nil
            }
        }
    }

    private mutating func array(depth: Int) -> JSONValue? {
        i += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            i += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            guard let element = value(depth: depth + 1) else { return nil }
            elements.append(element)
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "]"):
                i += 1
                return .array(elements)
            default: return nil
            }
        }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard end - i >= n else { return false }
        let w = word.utf8Start
        for j in 0..<n where base[i + j] != w[j] { return false }
        i += n
        return true
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    private mutating func number() -> JSONValue? {
        let start = i
        var negative = false
        if peek == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        let digitsStart = i
        var integer: Int = 0
        while i < end, base[i] &- 0x30 < 10 {
            integer = integer &* 10 &+ Int(base[i] &- 0x30)
            i += 1
        }
        let digits = i - digitsStart
        guard digits > 0, digits == 1 || base[digitsStart] != UInt8(ascii: "0") else { return nil }
        var simple = digits <= 15
        if peek == UInt8(ascii: ".") {
            simple = false
            i += 1
            let fraction = i
            while i < end, base[i] &- 0x30 < 10 { i += 1 }
            guard i > fraction else { return nil }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            simple = false
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            let exponent = i
            while i < end, base[i] &- 0x30 < 10 { i += 1 }
            guard i > exponent else { return nil }
        }
        if simple { return .number(Double(negative ? -integer : integer)) }
        // Correctly rounded conversion of the literal (strtod semantics).
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: i - start), as: UTF8.self)
        guard let double = Double(text), double.isFinite else { return nil }
        return .number(double)
    }

    /// A string starting at the opening quote; escapes decoded.
    private mutating func string() -> String? {
        i += 1  // "
        let start = i
        // Fast path: no escapes.
        while i < end {
            let c = base[i]
            if c == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(start: base + start, count: i - start), as: UTF8.self)
                i += 1
                return text
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { return nil }
            i += 1
        }
        guard i < end else { return nil }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: i - start))
        while i < end {
            let c = base[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if c < 0x20 { return nil }
            if c != UInt8(ascii: "\\") {
                scratch.append(c)
                i += 1
                continue
            }
            i += 1
            guard i < end else { return nil }
            let e = base[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                guard let unit = hex4() else { return nil }
                var scalar = unit
                if unit >= 0xD800 && unit <= 0xDBFF {
                    // High surrogate: a low surrogate escape must follow.
                    guard end - i >= 6, base[i] == UInt8(ascii: "\\"), base[i + 1] == UInt8(ascii: "u") else { return nil }
                    i += 2
                    guard let low = hex4(), low >= 0xDC00 && low <= 0xDFFF else { return nil }
                    scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                } else if unit >= 0xDC00 && unit <= 0xDFFF {
                    return nil
                }
                guard scalar != 0 else { return nil }
                appendUTF8(scalar)
            default:
                return nil
            }
        }
        return nil
    }

    /// Appends the UTF-8 bytes of the (non-surrogate) code point `scalar`.
    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Four hex digits after `\u`.
    private mutating func hex4() -> UInt32? {
        guard end - i >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = base[i]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - 0x41 + 10)
            default: return nil
            }
            value = value << 4 | digit
            i += 1
        }
        return value
    }
}
