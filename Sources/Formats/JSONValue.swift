import Foundation

/// One parsed JSON value, as the importers see it.
///
/// Objects keep their members in file order as a small array (records have a handful of
/// keys, so a linear search beats hashing); keys are unique (the scanner hands duplicated
/// keys to Foundation, see `JSONScanner`).
indirect enum JSONValue {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    /// The member `key` of an object; nil when absent or when `self` is not an object.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for member in members where member.key == key { return member.value }
        return nil
    }

    /// "a string", "a number", "a list", ... for error messages.
    var kind: String {
        switch self {
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "true/false"
        case .null: return "null"
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    /// The value `JSONSerialization` returned (`String`, `NSNumber`, `NSNull`, `[Any]`,
    /// `[String: Any]`) as a `JSONValue`; nil for anything else.
    init?(foundation value: Any) {
        switch value {
        case let text as String:
            self = .string(text)
        case let list as [Any]:
            var values: [JSONValue] = []
            values.reserveCapacity(list.count)
            for element in list {
                guard let converted = JSONValue(foundation: element) else { return nil }
                values.append(converted)
            }
            self = .array(values)
        case let dictionary as [String: Any]:
            var members: [(key: String, value: JSONValue)] = []
            members.reserveCapacity(dictionary.count)
            // Sorted keys: a Foundation dictionary has no file order, keep the result stable.
            for key in dictionary.keys.sorted() {
                guard let element = dictionary[key], let converted = JSONValue(foundation: element) else { return nil }
                members.append((key, converted))
            }
            self = .object(members)
        case is NSNull:
            self = .null
        case let number as NSNumber:
            // JSONSerialization returns `true`/`false` as NSNumber with the `char` type code.
            if String(cString: number.objCType) == "c" {
                self = .bool(number.boolValue)
            } else {
                self = .number(number.doubleValue)
            }
        default:
            return nil
        }
    }
}
