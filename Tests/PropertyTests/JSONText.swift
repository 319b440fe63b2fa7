import Foundation

/// A JSON document written by hand, so that the tests spell the field names the way
/// docs/spec-format.md does instead of trusting the encoder under test. `literal` holds text that
/// JSON cannot express (NaN, 1e999) for the invalid-input cases.
indirect enum JSONText: Sendable, CustomStringConvertible {
    case number(Double)
    case integer(Int)
    case literal(String)
    case string(String)
    case bool(Bool)
    case array([JSONText])
    case object([(String, JSONText)])

    enum Step: Sendable {
        case key(String)
        case index(Int)
    }

    var description: String {
        switch self {
        case .number(let x):
            precondition(x.isFinite, "use .literal for non-finite numbers")
            return "\(x)"  // Swift's shortest round-trip form, valid JSON for finite values
        case .integer(let n): return "\(n)"
        case .literal(let text): return text
        case .string(let s): return Self.quote(s)
        case .bool(let b): return b ? "true" : "false"
        case .array(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .object(let fields):
            return "{" + fields.map { Self.quote($0.0) + ": " + $0.1.description }.joined(separator: ", ") + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    /// The value at `path`, if there is one.
    subscript(path: [Step]) -> JSONText? {
        guard let first = path.first else { return self }
        switch (self, first) {
        case (.object(let fields), .key(let key)): return fields.first { $0.0 == key }?.1[Array(path.dropFirst())]
        case (.array(let items), .index(let i)) where items.indices.contains(i): return items[i][Array(path.dropFirst())]
        default: return nil
        }
    }

    /// A copy with the value at `path` replaced (a missing object key is appended), or removed when
    /// `value` is nil.
    func setting(_ path: [Step], to value: JSONText?) -> JSONText {
        guard let first = path.first else { return value ?? self }
        let rest = Array(path.dropFirst())
        switch (self, first) {
        case (.object(var fields), .key(let key)):
            if let i = fields.firstIndex(where: { $0.0 == key }) {
                if rest.isEmpty && value == nil { fields.remove(at: i) } else { fields[i].1 = fields[i].1.setting(rest, to: value) }
            } else if rest.isEmpty, let value {
                fields.append((key, value))
            } else if let value {
                fields.append((key, JSONText.object([]).setting(rest, to: value)))
            }
            return .object(fields)
        case (.array(var items), .index(let i)) where items.indices.contains(i):
            if rest.isEmpty && value == nil { items.remove(at: i) } else { items[i] = items[i].setting(rest, to: value) }
            return .array(items)
        default:
            preconditionFailure("no \(first) in \(self)")
        }
    }

    /// Appends to the array at `path` (creating it when missing).
    func appending(_ path: [Step], _ value: JSONText) -> JSONText {
        if case .array(let items)? = self[path] { return setting(path, to: .array(items + [value])) }
        return setting(path, to: .array([value]))
    }
}
