import Foundation

/// ISO 8601 week dates (`2025-W40`: Monday 2025-09-29 through Sunday 2025-10-05). The week
/// with the year's first Thursday is week 1.
public enum ISOWeek {
    /// First and last day (`YYYY-MM-DD`) of the week, or nil when `text` is not `YYYY-Www`.
    public static func days(_ text: String) -> (first: String, last: String)? {
        let parts = text.uppercased().split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), parts[1].hasPrefix("W"),
            let week = Int(parts[1].dropFirst()), parts[1].count == 3, week >= 1, year >= 1000
        else { return nil }
        var calendar = Calendar(identifier: .iso8601)
        guard let utc = TimeZone(identifier: "UTC") else { return nil }
        calendar.timeZone = utc
        var components = DateComponents()
        components.yearForWeekOfYear = year
        components.weekOfYear = week
        components.weekday = 2
        guard let monday = calendar.date(from: components),
            calendar.component(.weekOfYear, from: monday) == week,
            let sunday = calendar.date(byAdding: .day, value: 6, to: monday)
        else { return nil }
        return (format(monday, calendar), format(sunday, calendar))
    }

    private static func format(_ date: Date, _ calendar: Calendar) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}
