import Core
/// Date spellings found in arXiv metadata, normalised to the store's forms
/// `YYYY-MM-DD HH:MM:SS` and `YYYY-MM-DD` (UTC). Pure string work (no Foundation calendars),
/// so results never depend on the machine's time zone.
enum ArxivDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// `2023-10-04 17:59:41`, `2023-10-04T17:59:41Z` (also with fractions or `+00:00`)
    /// become `2023-10-04 17:59:41`; a bare `2023-10-04` stays a day. Nil when unreadable.
    static func timestamp(_ raw: String) -> String? {
        if isPlainTimestamp(raw) { return raw }
        let text = Array(raw.utf8)
        guard text.count >= 10, let day = day(text[0..<10]) else { return nil }
        if text.count == 10 { return day }
        guard text.count >= 19, text[10] == 0x20 || text[10] == 0x54,  // " " or "T"
            let time = time(text[11..<19])
        else { return nil }
        // Anything after the seconds must be a fraction and/or a UTC zone.
        var rest = String(decoding: text[19...], as: UTF8.self)
        if rest.hasPrefix(".") {
            rest = String(rest.dropFirst().drop(while: { $0.isASCII && $0.isNumber }))
        }
        guard ["", "Z", "+00:00", "+0000", " UTC", " GMT"].contains(rest) else { return nil }
        return "\(day) \(time)"
    }

    /// The `YYYY-MM-DD` day of a date or timestamp, nil when unreadable.
    static func day(_ raw: String) -> String? {
        let text = Array(raw.utf8)
        guard text.count >= 10 else { return nil }
        if text.count > 10 {
            guard timestamp(raw) != nil else { return nil }
        }
        return day(text[0..<10])
    }

    /// `Mon, 2 Apr 2007 19:18:42 GMT` (the Kaggle snapshot's `versions[].created`)
    /// becomes `2007-04-02 19:18:42`. Only UTC zones are accepted.
    static func rfc2822(_ raw: String) -> String? {
        var parts = raw.split(separator: " ", omittingEmptySubsequences: true)
        // Optional weekday: "Mon,".
        if let first = parts.first, first.hasSuffix(",") { parts.removeFirst() }
        guard parts.count == 5 || parts.count == 4 else { return nil }
        if parts.count == 5 {
            guard ["GMT", "UT", "UTC", "Z", "+0000", "-0000"].contains(String(parts[4])) else { return nil }
        }
        guard let dayNumber = Int(parts[0]), (1...31).contains(dayNumber),
            let monthIndex = months.firstIndex(of: parts[1].lowercased()),
            parts[2].count == 4, let year = Int(parts[2]),
            let time = time(Array(parts[3].utf8)[...])
        else { return nil }
        let day = "\(year)-\(pad(monthIndex + 1))-\(pad(dayNumber))"
        guard CalendarDate.isValid(day) else { return nil }
        return "\(day) \(time)"
    }

    // MARK: - Pieces

    /// Fast path of `timestamp` for the common spelling: exactly `YYYY-MM-DD HH:MM:SS`, all
    /// digits, a real calendar day (year >= 1000, as `CalendarDate.isValid`), a plausible time.
    /// Such text is its own normal form. Anything else takes the general path.
    private static func isPlainTimestamp(_ raw: String) -> Bool {
        var raw = raw
        return raw.withUTF8 { b -> Bool in
            guard b.count == 19, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x20, b[13] == 0x3A, b[16] == 0x3A else {
                return false
            }
            func digits(_ from: Int, _ count: Int) -> Int? {
                var value = 0
                for i in from..<(from + count) {
                    let d = b[i] &- 0x30
                    guard d < 10 else { return nil }
                    value = value * 10 + Int(d)
                }
                return value
            }
            guard let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
                let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
                year >= 1000, (1...12).contains(month), day >= 1, hour < 24, minute < 60, second <= 60
            else { return false }
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            return day <= lengths[month - 1]
        }
    }

    /// `YYYY-MM-DD` that is a real calendar date (`CalendarDate.isValid`).
    private static func day(_ bytes: ArraySlice<UInt8>) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        return CalendarDate.isValid(text) ? text : nil
    }

    /// `HH:MM:SS` with plausible fields.
    private static func time(_ bytes: ArraySlice<UInt8>) -> String? {
        let b = Array(bytes)
        guard b.count == 8, b[2] == 0x3A, b[5] == 0x3A,
            let hour = number(b[0..<2]), let minute = number(b[3..<5]), let second = number(b[6..<8]),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        return String(decoding: b, as: UTF8.self)
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in digits {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return digits.isEmpty ? nil : value
    }

    private static func pad(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
