import Foundation

/// The parameter expressions found in netlists and in the PDK's device subcircuits (`{w1}`,
/// `{2*w5}`, `0.5`, `{0.14/w}`, `1u`, `{max(w5/kcp,0.42)}`), compiled once and evaluated many
/// times in the same double arithmetic as ngspice's numparam: numbers read as correctly rounded
/// doubles times their scale suffix (so `2.5u` is 2.5 * 1e-6, not the literal 2.5e-6), `+ - * /`
/// left to right, `min`, `max`, `sqrt`.
///
/// Anything else (unknown functions, `**`, ternaries) does not compile, and an unknown name does
/// not evaluate: callers then fall back to letting ngspice evaluate the deck.
public struct SpiceExpression: Sendable {
    indirect enum Node: Sendable, Equatable {
        case number(Double)
        case name(String)
        case negate(Node)
        case binary(Character, Node, Node)
        case call(String, [Node])
        /// `agauss`, `gauss`, `aunif`, `unif`, `limit`: Monte Carlo draws.
        case random
    }

    let root: Node
    /// Lower-case names the expression reads.
    public let names: Set<String>
    private let hasRandom: Bool

    /// Compiles `text`, with or without its `{}` or `''` delimiters; nil if not understood.
    public init?(_ text: String) {
        var body = Substring(text).trimmingCharacters(in: .whitespaces)
        if body.hasPrefix("{") && body.hasSuffix("}") { body = String(body.dropFirst().dropLast()) }
        if body.hasPrefix("'") && body.hasSuffix("'") { body = String(body.dropFirst().dropLast()) }
        var parser = Parser(chars: Array(body.lowercased()))
        guard let root = parser.sum(), parser.atEnd else { return nil }
        self.root = root
        names = parser.names
        hasRandom = Self.hasRandom(root)
    }

    /// The value for the given (lower-case) names; nil if a name is missing, the result is not
    /// finite, or it depends on a Monte Carlo draw (evaluated with two different draws, it must
    /// come out the same bit for bit: a draw multiplied by a zero switch does not count).
    public func value(_ values: [String: Double]) -> Double? {
        value { values[$0] }
    }

    /// The same, reading names through `lookup` (so that a local scope need not copy a global one).
    public func value(_ lookup: (String) -> Double?) -> Double? {
        guard let a = Self.evaluate(root, lookup, draw: 0.5), a.isFinite else { return nil }
        if hasRandom {
            guard let b = Self.evaluate(root, lookup, draw: -1.25), b.bitPattern == a.bitPattern else { return nil }
        }
        return a
    }

    /// Compiles and evaluates in one step.
    public static func evaluate(_ text: String, _ values: [String: Double]) -> Double? {
        SpiceExpression(text)?.value(values)
    }

    private static func evaluate(_ node: Node, _ values: (String) -> Double?, draw: Double) -> Double? {
        switch node {
        case .number(let x): return x
        case .name(let name): return values(name)
        case .random: return draw
        case .negate(let inner): return evaluate(inner, values, draw: draw).map { -1 * $0 }
        case .binary(let op, let lhs, let rhs):
            guard let a = evaluate(lhs, values, draw: draw), let b = evaluate(rhs, values, draw: draw) else { return nil }
            switch op {
            case "+": return a + b
            case "-": return a - b
            case "*": return a * b
            default: return a / b
            }
        case .call(let name, let arguments):
            var xs: [Double] = []
            for argument in arguments {
                guard let x = evaluate(argument, values, draw: draw) else { return nil }
                xs.append(x)
            }
            switch (name, xs.count) {
            case ("min", 2): return Swift.min(xs[0], xs[1])
            case ("max", 2): return Swift.max(xs[0], xs[1])
            case ("sqrt", 1): return xs[0].squareRoot()
            default: return nil
            }
        }
    }

    private static func hasRandom(_ node: Node) -> Bool {
        switch node {
        case .random: return true
        case .number, .name: return false
        case .negate(let inner): return hasRandom(inner)
        case .binary(_, let lhs, let rhs): return hasRandom(lhs) || hasRandom(rhs)
        case .call(_, let arguments): return arguments.contains(where: hasRandom)
        }
    }

    private static let functions: Set<String> = ["min", "max", "sqrt"]
    private static let draws: Set<String> = ["agauss", "gauss", "aunif", "unif", "limit"]

    private struct Parser {
        let chars: [Character]
        var index = 0
        var names = Set<String>()

        init(chars: [Character]) { self.chars = chars }

        var atEnd: Bool { mutating get { skipSpaces(); return index == chars.count } }

        mutating func skipSpaces() { while index < chars.count && chars[index] == " " { index += 1 } }

        mutating func peek(_ options: Set<Character>) -> Character? {
            skipSpaces()
            guard index < chars.count, options.contains(chars[index]) else { return nil }
            // `**` is a power, which this evaluator does not take.
            if chars[index] == "*", index + 1 < chars.count, chars[index + 1] == "*" { return nil }
            return chars[index]
        }

        mutating func sum() -> Node? {
            guard var node = product() else { return nil }
            while let op = peek(["+", "-"]) {
                index += 1
                guard let rhs = product() else { return nil }
                node = .binary(op, node, rhs)
            }
            return node
        }

        mutating func product() -> Node? {
            guard var node = atom() else { return nil }
            while let op = peek(["*", "/"]) {
                index += 1
                guard let rhs = atom() else { return nil }
                node = .binary(op, node, rhs)
            }
            skipSpaces()
            if index + 1 < chars.count, chars[index] == "*", chars[index + 1] == "*" { return nil }
            return node
        }

        mutating func atom() -> Node? {
            skipSpaces()
            guard index < chars.count else { return nil }
            let c = chars[index]
            if c == "(" {
                index += 1
                let node = sum()
                guard peek([")"]) != nil else { return nil }
                index += 1
                return node
            }
            if c == "-" { index += 1; return atom().map { .negate($0) } }
            if c == "+" { index += 1; return atom() }
            if c.isNumber || c == "." { return number().map { .number($0) } }
            if c.isLetter || c == "_" {
                let start = index
                while index < chars.count && (chars[index].isLetter || chars[index].isNumber || chars[index] == "_") { index += 1 }
                let name = String(chars[start..<index])
                guard peek(["("]) != nil else {
                    names.insert(name)
                    return .name(name)
                }
                index += 1
                var arguments: [Node] = []
                if peek([")"]) == nil {
                    repeat {
                        if !arguments.isEmpty { index += 1 }
                        guard let argument = sum() else { return nil }
                        arguments.append(argument)
                    } while peek([","]) != nil
                }
                guard peek([")"]) != nil else { return nil }
                index += 1
                if SpiceExpression.draws.contains(name) { return .random }
                guard SpiceExpression.functions.contains(name) else { return nil }
                return .call(name, arguments)
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
            // numparam's suffixes (`parseunit`): its "mil" is milli, as here.
            let scales: [(String, Double)] = [("meg", 1e6), ("t", 1e12), ("g", 1e9), ("k", 1e3),
                                              ("m", 1e-3), ("u", 1e-6), ("n", 1e-9), ("p", 1e-12), ("f", 1e-15)]
            if let (suffix, scale) = scales.first(where: { rest.hasPrefix($0.0) }) {
                value *= scale
                index += suffix.count
            } else if !rest.isEmpty {
                // A letter that is no scale we know ('a' for atto in some SPICEs): not understood.
                return nil
            }
            // Unit letters after the scale (e.g. "1uF") are ignored, as SPICE does.
            while index < chars.count && chars[index].isLetter { index += 1 }
            return value
        }
    }
}
