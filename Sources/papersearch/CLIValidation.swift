import Core

/// Checks of option values that ArgumentParser's types do not express.
enum CLIValidation {
    static func limit(_ value: Int) throws -> Int {
        guard (1...1000).contains(value) else {
            throw PaperSearchError.invalidOption(option: "--limit", value: "\(value)", expected: "a number from 1 to 1000")
        }
        return value
    }

    static func date(_ value: String, option: String) throws -> String {
        guard CalendarDate.isValid(value) else {
            throw PaperSearchError.invalidOption(option: option, value: value, expected: "a date YYYY-MM-DD")
        }
        return value
    }
}
