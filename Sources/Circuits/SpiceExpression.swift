import Foundation

/// Evaluates the simple parameter expressions found on device lines (`{w1}`, `{2*w5}`, `0.5`,
/// `{w/nf}`, `1u`) so that Sizer can tell which model bins a device can select. Anything it
/// cannot evaluate returns nil, and the caller keeps every bin.
enum SpiceExpression {
    static func evaluate(_ text: String, _ values: [String: Double]) -> Double? {
        var body = text.trimmingCharacters(in: .whitespaces)
        if body.hasPrefix("{") && body.hasSuffix("}") { body = String(body.dropFirst().dropLast()) }
        if body.hasPrefix("'") && body.hasSuffix("'") { body = String(body.dropFirst().dropLast()) }
        var parser = Parser(chars: Array(body.lowercased()), values: values)
        guard let value = parser.sum(), parser.atEnd, value.isFinite else { return nil }
        return value
    }

    private struct Parser {
        let chars: [Character]
        let values: [String: Double]
        var index = 0

        init(chars: [Character], values: [String: Double]) {
            self.chars = chars
            self.values = values
        }

        var atEnd: Bool { mutating get { skipSpaces(); return index == chars.count } }

        mutating func skipSpaces() { while index < chars.count && chars[index] == " " { index += 1 } }

        mutating func sum() -> Double? {
            guard var value = product() else { return nil }
            while true {
                skipSpaces()
                guard index < chars.count, chars[index] == "+" || chars[index] == "-" else { return value }
                let op = chars[index]; index += 1
                guard let rhs = product() else { return nil }
                value = op == "+" ? value + rhs : value - rhs
            }
        }

        mutating func product() -> Double? {
            guard var value = atom() else { return nil }
            while true {
                skipSpaces()
                guard index < chars.count, chars[index] == "*" || chars[index] == "/" else { return value }
                let op = chars[index]; index += 1
                guard let rhs = atom() else { return nil }
                value = op == "*" ? value * rhs : value / rhs
            }
        }

        mutating func atom() -> Double? {
            skipSpaces()
            guard index < chars.count else { return nil }
            let c = chars[index]
            if c == "(" {
                index += 1
                let value = sum()
                skipSpaces()
                guard index < chars.count, chars[index] == ")" else { return nil }
                index += 1
                return value
            }
            if c == "-" { index += 1; return atom().map { -$0 } }
            if c.isNumber || c == "." { return number() }
            if c.isLetter || c == "_" {
                let start = index
                while index < chars.count && (chars[index].isLetter || chars[index].isNumber || chars[index] == "_") { index += 1 }
                let name = String(chars[start..<index])
                skipSpaces()
                if index < chars.count && chars[index] == "(" {
                    // Only min and max: enough for clamped widths such as max(w5/k, 0.42).
                    guard name == "min" || name == "max" else { return nil }
                    index += 1
                    guard let a = sum() else { return nil }
                    skipSpaces()
                    guard index < chars.count, chars[index] == "," else { return nil }
                    index += 1
                    guard let b = sum() else { return nil }
                    skipSpaces()
                    guard index < chars.count, chars[index] == ")" else { return nil }
                    index += 1
                    return name == "min" ? Swift.min(a, b) : Swift.max(a, b)
                }
                return values[name]
            }
            return nil
        }

        /// A number with an optional exponent and SPICE scale suffix.
        mutating func number() -> Double? {
            let start = index
            while index < chars.count && (chars[index].isNumber || chars[index] == ".") { index += 1 }
            if index < chars.count && chars[index] == "e",
               index + 1 < chars.count && (chars[index + 1].isNumber || chars[index + 1] == "-" || chars[index + 1] == "+") {
                index += 2
                while index < chars.count && chars[index].isNumber { index += 1 }
            }
            guard var value = Double(String(chars[start..<index])) else { return nil }
            let rest = String(chars[index...].prefix { $0.isLetter })
            let scales: [(String, Double)] = [("meg", 1e6), ("mil", 25.4e-6), ("t", 1e12), ("g", 1e9), ("k", 1e3),
                                              ("m", 1e-3), ("u", 1e-6), ("n", 1e-9), ("p", 1e-12), ("f", 1e-15)]
            if let (suffix, scale) = scales.first(where: { rest.hasPrefix($0.0) }) {
                value *= scale
                index += suffix.count
            }
            // Unit letters after the scale (e.g. "1uF") are ignored, as SPICE does.
            while index < chars.count && chars[index].isLetter { index += 1 }
            return value
        }
    }
}
