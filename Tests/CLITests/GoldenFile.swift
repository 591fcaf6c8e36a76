import Foundation
import XCTest

/// Golden outputs that hold on any CPU and BLAS.
///
/// OpenBLAS picks its kernels per CPU (and another BLAS rounds differently again), so the last
/// digits of every float derived from BLAS differ between machines. A golden therefore fixes:
/// - exactly: every character that is not a decimal number (ranks, ids, dates, titles, tags,
///   terms, layout), every integer, and the order of everything (ties are broken by id);
/// - within `tolerance`: decimal numbers, |actual − expected| ≤ 1e-3 · max(1, |expected|) plus
///   half a unit of the golden's last printed decimal (the printed value is itself rounded).
///
/// In text, a decimal number is a token of at most 3 integer digits and 1-4 decimals, optionally
/// signed, not glued to a word, dot, colon or slash: `5.804`, `+0.193`, `-0.25`. arXiv ids
/// (`2309.17453`: 4 integer digits) and dates stay exact. JSON goldens are compared as trees:
/// same keys, same array lengths, equal strings, integers (and booleans) equal, other numbers
/// within `tolerance`.
///
/// `PAPERSEARCH_UPDATE_GOLDEN=1` rewrites the golden files instead of comparing.
enum GoldenFile {
    static let relativeTolerance = 1e-3

    /// The allowed difference for a golden number printed as `printed`.
    static func tolerance(expected: Double, printed: String) -> Double {
        let decimals = printed.split(separator: ".", maxSplits: 1).dropFirst().first?.count ?? 0
        let halfUnit = 0.5 * pow(10, -Double(decimals))
        return relativeTolerance * max(1, abs(expected)) + halfUnit
    }

    static var updating: Bool { ProcessInfo.processInfo.environment["PAPERSEARCH_UPDATE_GOLDEN"] == "1" }

    /// Compares `actual` with the golden file at `url` (text, or JSON when `json`), or writes it when updating.
    static func assertMatches(_ actual: String, _ url: URL, json: Bool = false,
                              file: StaticString = #filePath, line: UInt = #line) throws {
        let name = url.lastPathComponent
        if updating {
            try Data(actual.utf8).write(to: url)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            XCTFail("missing golden file \(name); run with PAPERSEARCH_UPDATE_GOLDEN=1", file: file, line: line)
            return
        }
        let difference = json ? try jsonDifference(expected, actual) : textDifference(expected, actual)
        if let difference {
            XCTFail("\(name) differs \(difference)", file: file, line: line)
        }
    }

    // MARK: - Text

    private static let number = try! NSRegularExpression(pattern: #"(?<![\w.:/+-])[-+]?\d{1,3}\.\d{1,4}(?![\w.])"#)

    /// The line split into its exact parts and its decimal numbers (as printed).
    static func tokens(_ line: Substring) -> (skeleton: [String], numbers: [String]) {
        let text = String(line)
        let ns = text as NSString
        var skeleton: [String] = [], numbers: [String] = []
        var last = 0
        for match in number.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            skeleton.append(ns.substring(with: NSRange(location: last, length: match.range.location - last)))
            numbers.append(ns.substring(with: match.range))
            last = match.range.location + match.range.length
        }
        skeleton.append(ns.substring(from: last))
        return (skeleton, numbers)
    }

    /// nil when `actual` matches `expected` line by line under the rules above, else where and how not.
    static func textDifference(_ expected: String, _ actual: String) -> String? {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(e.count, a.count) {
            let where_ = "at line \(index + 1):"
            guard index < e.count, index < a.count else {
                return "\(where_)\n expected: \(index < e.count ? String(e[index]) : "<end>")\n   actual: \(index < a.count ? String(a[index]) : "<end>")"
            }
            let (es, en) = tokens(e[index]), (as_, an) = tokens(a[index])
            let report = "\(where_)\n expected: \(e[index])\n   actual: \(a[index])"
            guard es == as_, en.count == an.count else { return report }
            for (printed, value) in zip(en, an) {
                guard let x = Double(printed), let y = Double(value),
                      abs(x - y) <= tolerance(expected: x, printed: printed) else {
                    return report + "\n (\(value) is not within the tolerance of \(printed))"
                }
            }
        }
        return nil
    }

    // MARK: - JSON

    /// nil when the two JSON documents match under the rules above, else the first path that differs.
    static func jsonDifference(_ expected: String, _ actual: String) throws -> String? {
        let e = try JSONSerialization.jsonObject(with: Data(expected.utf8), options: [.fragmentsAllowed])
        let a = try JSONSerialization.jsonObject(with: Data(actual.utf8), options: [.fragmentsAllowed])
        return difference(e, a, path: "$")
    }

    private static func difference(_ expected: Any, _ actual: Any, path: String) -> String? {
        switch (expected, actual) {
        case (let e as [String: Any], let a as [String: Any]):
            guard Set(e.keys) == Set(a.keys) else {
                return "at \(path): keys \(e.keys.sorted()) expected, \(a.keys.sorted()) found"
            }
            for key in e.keys.sorted() {
                if let d = difference(e[key] as Any, a[key] as Any, path: "\(path).\(key)") { return d }
            }
            return nil
        case (let e as [Any], let a as [Any]):
            guard e.count == a.count else { return "at \(path): \(e.count) elements expected, \(a.count) found" }
            for (i, (x, y)) in zip(e, a).enumerated() {
                if let d = difference(x, y, path: "\(path)[\(i)]") { return d }
            }
            return nil
        case (let e as String, let a as String):
            return e == a ? nil : "at \(path): \"\(e)\" expected, \"\(a)\" found"
        case (let e as NSNumber, let a as NSNumber):
            let x = e.doubleValue, y = a.doubleValue
            if x == x.rounded(), y == y.rounded(), abs(x) < 1e9 {
                return x == y ? nil : "at \(path): \(e) expected, \(a) found (integers compare exactly)"
            }
            // Goldens are rounded to 4 decimals (`normalizedJSON`).
            let printed = String(format: "%.4f", x)
            return abs(x - y) <= tolerance(expected: x, printed: printed)
                ? nil : "at \(path): \(a) is not within the tolerance of \(e)"
        case (is NSNull, is NSNull):
            return nil
        default:
            return "at \(path): \(expected) expected, \(actual) found"
        }
    }

    /// JSON with every non-integer number rounded to 4 decimals, keys sorted, pretty printed: the
    /// form golden JSON files are written in (readable diffs; `jsonDifference` compares with tolerance).
    static func normalizedJSON(_ text: String) throws -> String {
        func round(_ value: Any) -> Any {
            if let dict = value as? [String: Any] { return dict.mapValues(round) }
            if let array = value as? [Any] { return array.map(round) }
            if let number = value as? NSNumber {
                // Integers (and booleans, 0/1) stay as they are.
                let d = number.doubleValue
                if d == d.rounded() && abs(d) < 1e9 { return number }
                return (d * 10_000).rounded() / 10_000
            }
            return value
        }
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let data = try JSONSerialization.data(withJSONObject: round(object), options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
