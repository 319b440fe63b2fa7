import Foundation

/// A netlist template: plain SPICE whose design variables are `.param` lines. Checked once on
/// load so that nothing in it can reach the file system or a shell.
public struct NetlistTemplate: Sendable, Hashable {
    /// Body lines (title and `.end` removed, continuation lines kept as they are).
    public let lines: [String]
    /// `.param` names defined at top level, lower-cased, in order.
    public let parameters: [String]

    public struct Rejection: Error, Sendable, CustomStringConvertible {
        public var line: Int
        public var text: String
        public var reason: String
        public var description: String { "netlist line \(line): \(reason): \(text)" }
    }

    static let allowedCards: Set<String> = [
        ".param", ".subckt", ".ends", ".model", ".ic", ".nodeset", ".option", ".options", ".temp",
        ".global", ".func", ".end",
    ]
    /// Element letters: passive, sources, controlled sources, semiconductors, subcircuits, lines,
    /// switches. Excluded: `a` (XSPICE code models can read files) and `n` (OSDI/Verilog-A loaders).
    static let allowedElements: Set<Character> = Set("rclkvigefhbdqmjxswtouyzp")
    static let forbiddenWords = ["shell", "exec", "system(", "source ", "wrdata", "write ", "`", "include", "spiceinit"]

    /// Parses and checks `text`. The first line is the SPICE title and is ignored.
    public init(text: String) throws(Rejection) {
        var body: [String] = []
        let rawLines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0).replacingTabs().trimmingTrailingCR()
        }
        for (index, raw) in rawLines.enumerated() {
            let number = index + 1
            if index == 0 { continue }
            let line = raw.trimmingLeadingSpaces()
            if line.isEmpty || line.hasPrefix("*") || line.hasPrefix(";") { continue }
            let lower = line.lowercased()
            for word in Self.forbiddenWords where lower.contains(word) {
                throw Rejection(line: number, text: raw, reason: "'\(word.trimmingTrailingSpaces())' is not allowed in a netlist")
            }
            if line.hasPrefix("+") {
                body.append(raw)
                continue
            }
            if line.hasPrefix(".") {
                let card = String(lower.prefix { !$0.isWhitespace })
                guard Self.allowedCards.contains(card) else {
                    let hint = [".control", ".endc"].contains(card) ? "control blocks are not allowed"
                        : [".include", ".inc", ".lib"].contains(card) ? "the spec's `models` field provides the model library"
                        : "analyses and measurements come from the spec file"
                    throw Rejection(line: number, text: raw, reason: "'\(card)' is not allowed (\(hint))")
                }
                if card == ".end" { break }
                body.append(raw)
                continue
            }
            guard let first = lower.first, Self.allowedElements.contains(first) else {
                throw Rejection(line: number, text: raw, reason: "unsupported element type '\(lower.prefix(1))'")
            }
            body.append(raw)
        }
        lines = body
        parameters = Self.topLevelParameters(body).map(\.name)
    }

    /// A body line, lower-cased without leading spaces, and its subcircuit depth (a `.subckt`
    /// line counts as inside, an `.ends` line as outside).
    package struct ScannedLine {
        package var raw: String
        package var lower: String
        package var depth: Int
    }

    package static func scan(_ lines: [String]) -> [ScannedLine] {
        var depth = 0
        return lines.map { raw in
            let lower = raw.trimmingLeadingSpaces().lowercased()
            if lower.hasPrefix(".subckt") { depth += 1 }
            if lower.hasPrefix(".ends") { depth = max(0, depth - 1) }
            return ScannedLine(raw: raw, lower: lower, depth: depth)
        }
    }

    /// Top-level one-parameter `.param` lines with their names, in order.
    static func topLevelParameters(_ lines: [String]) -> [(line: ScannedLine, name: String)] {
        scan(lines).compactMap { line in
            guard line.depth == 0, line.lower.hasPrefix(".param"), let name = parameterName(line.lower) else { return nil }
            return (line, name)
        }
    }

    /// Name of a one-parameter `.param name = value` line.
    static func parameterName(_ lower: String) -> String? {
        let rest = lower.dropFirst(".param".count).trimmingLeadingSpaces()
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        guard !name.isEmpty, rest.dropFirst(name.count).trimmingLeadingSpaces().hasPrefix("=") else { return nil }
        return String(name)
    }

    /// The body with the given top-level `.param` values replaced (exact decimal text).
    public func lines(overriding values: [String: Double]) -> [String] {
        Self.scan(lines).map { line in
            guard line.depth == 0, line.lower.hasPrefix(".param"), let name = Self.parameterName(line.lower),
                  let value = values[name] else { return line.raw }
            return ".param \(name)=\(SpiceNumber.format(value))"
        }
    }
}

/// Exact text for doubles sent to ngspice: shortest round-trip representation.
public enum SpiceNumber {
    public static func format(_ value: Double) -> String {
        // Swift's description is the shortest string that round-trips; ngspice parses 'e' exponents.
        "\(value)"
    }

    /// The text numparam writes for a computed value (`%.15e`): a value sent in this form goes
    /// through the same number parser as the value a fresh load would have read.
    public static func numparamText(_ value: Double) -> String {
        // An expanded deck writes a few hundred values per design, most of them 0 or 1.
        if value == 0 && value.sign == .plus { return "0.000000000000000e+00" }
        if value == 1 { return "1.000000000000000e+00" }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 40) { buffer in
            if let strfromd = Self.strfromd {
                _ = strfromd(buffer.baseAddress!, 40, "%.15e", value)
            } else {
                _ = withVaList([value]) { vsnprintf(buffer.baseAddress!, 40, "%.15e", $0) }
            }
            return String(cString: buffer.baseAddress!)
        }
    }

    /// glibc's `strfromd` (C23): printf's conversion without a variadic call, which from Swift
    /// needs a `CVarArg` array and dynamic casts that cost more than the conversion. Swift's Glibc
    /// module does not declare it, so it is looked up once.
    private typealias StringFromDouble = @convention(c) (UnsafeMutablePointer<CChar>?, Int, UnsafePointer<CChar>?, Double) -> Int32
    private static let strfromd: StringFromDouble? = dlsym(dlopen(nil, RTLD_NOW), "strfromd")
        .map { unsafeBitCast($0, to: StringFromDouble.self) }

    /// Names that may appear in commands: `[a-z_][a-z0-9_]*`.
    public static func isSafeName(_ name: String) -> Bool {
        guard let first = name.first, first == "_" || ("a"..."z").contains(first) else { return false }
        return name.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    /// Node and source names: letters, digits, `_`, `.`, `#`.
    public static func isSafeNodeName(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.#".contains($0)) }
    }
}

extension StringProtocol {
    package func trimmingLeadingSpaces() -> String { String(drop { $0 == " " || $0 == "\t" }) }
    func trimmingTrailingSpaces() -> String {
        var s = String(self)
        while s.last == " " { s.removeLast() }
        return s
    }
    func trimmingTrailingCR() -> String { hasSuffix("\r") ? String(dropLast()) : String(self) }
    package func replacingTabs() -> String { String(map { $0 == "\t" ? " " : $0 }) }
}
