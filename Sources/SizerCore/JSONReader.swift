/// A small pull reader for the JSON read on every turn (the `agent.evaluate` reply on the agent's
/// side). `JSONDecoder` with snake_case key conversion took 0.7 ms of each turn's 3 ms of
/// daemon overhead to read an 8-candidate reply.
///
/// It reads what `JSONWriter` and `SizerJSON.encoder()` write, and any other valid JSON with the
/// same members in any order; unknown members are skipped. `JSONReaderTests` compares it with
/// `JSONDecoder`.
public struct JSONReader {
    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
        @inlinable public init(description: String) { self.description = description }
    }

    @usableFromInline let bytes: [UInt8]
    @usableFromInline var index = 0

    @inlinable public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Reads one complete document.
    @inlinable public static func read<T: JSONReadable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        var reader = JSONReader(bytes)
        let value = try T(from: &reader)
        reader.skipWhitespace()
        guard reader.index == bytes.count else { throw reader.error("trailing characters") }
        return value
    }

    // MARK: Values

    /// Consumes a `null` if one is next.
    @inlinable public mutating func readNull() -> Bool {
        skipWhitespace()
        guard starts(with: "null") else { return false }
        index += 4
        return true
    }

    @inlinable public mutating func bool() throws -> Bool {
        skipWhitespace()
        if starts(with: "true") { index += 4; return true }
        if starts(with: "false") { index += 5; return false }
        throw error("expected true or false")
    }

    @inlinable public mutating func double() throws -> Double {
        let token = try numberToken()
        guard let value = Double(token), value.isFinite else { throw error("bad number '\(token)'") }
        return value
    }

    /// An integer written as one (digits only): anything else is left to `JSONDecoder`'s rules.
    @inlinable public mutating func int() throws -> Int {
        let token = try numberToken()
        guard let value = Int(token) else { throw error("expected an integer, not '\(token)'") }
        return value
    }

    @inlinable public mutating func string() throws -> String {
        skipWhitespace()
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a string") }
        index += 1
        let start = index
        // Plain strings (no escapes) are one slice.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                guard let text = String(validating: bytes[start..<index], as: UTF8.self) else { throw error("invalid UTF-8") }
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw error("control character in a string") }
            index += 1
        }
        var utf8 = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else { throw error("invalid UTF-8") }
                return text
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A surrogate pair: the low half must follow.
                        guard starts(with: "\\u") else { throw error("lone surrogate") }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("bad surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw error("bad \\u escape") }
                    utf8 += Array(String(Character(unicode)).utf8)
                default: throw error("bad escape")
                }
            default:
                guard byte >= 0x20 else { throw error("control character in a string") }
                utf8.append(byte)
            }
        }
        throw error("unterminated string")
    }

    /// Calls `member` with each key of an object; `member` must read (or skip) the value.
    @inlinable public mutating func object(_ member: (inout JSONReader, String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if peek() == UInt8(ascii: "}") { index += 1; return }
        while true {
            let key = try string()
            try expect(UInt8(ascii: ":"))
            try member(&self, key)
            skipWhitespace()
            guard let next = peek() else { throw error("unterminated object") }
            index += 1
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else { throw error("expected , or }") }
        }
    }

    /// Calls `element` for each element of an array.
    @inlinable public mutating func array(_ element: (inout JSONReader) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        skipWhitespace()
        if peek() == UInt8(ascii: "]") { index += 1; return }
        while true {
            try element(&self)
            skipWhitespace()
            guard let next = peek() else { throw error("unterminated array") }
            index += 1
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else { throw error("expected , or ]") }
        }
    }

    /// Skips one value of any kind (a member this reader does not know).
    @inlinable public mutating func skipValue() throws {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "{"): try object { reader, _ in try reader.skipValue() }
        case UInt8(ascii: "["): try array { try $0.skipValue() }
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try bool()
        case UInt8(ascii: "n"): guard readNull() else { throw error("bad literal") }
        default: _ = try numberToken()
        }
    }

    @inlinable public func error(_ message: String) -> Malformed {
        Malformed(description: "\(message) at byte \(index)")
    }

    /// The error for a member a type requires.
    @inlinable public func missing(_ key: String) -> Malformed {
        Malformed(description: "missing member '\(key)'")
    }

    // MARK: Bytes

    @usableFromInline func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    @usableFromInline mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    @usableFromInline mutating func expect(_ byte: UInt8) throws {
        skipWhitespace()
        guard peek() == byte else { throw error("expected '\(Character(Unicode.Scalar(byte)))'") }
        index += 1
    }

    @usableFromInline func starts(with literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return literal.withUTF8Buffer { literal in
            for offset in 0..<count where bytes[index + offset] != literal[offset] { return false }
            return true
        }
    }

    /// A number as JSON spells it: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    @usableFromInline mutating func numberToken() throws -> String {
        skipWhitespace()
        let start = index
        func digits() -> Int {
            let from = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - from
        }
        if peek() == UInt8(ascii: "-") { index += 1 }
        let leadingZero = peek() == UInt8(ascii: "0")
        let integerDigits = digits()
        guard integerDigits > 0, !(leadingZero && integerDigits > 1) else { throw error("bad number") }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw error("bad number") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw error("bad number") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    @usableFromInline mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
            throw error("bad \\u escape")
        }
        index += 4
        return value
    }
}

/// A value `JSONReader` can read: the same members `SizerJSON.decoder()` would read.
public protocol JSONReadable {
    init(from reader: inout JSONReader) throws
}

extension Double: JSONReadable {
    @inlinable public init(from reader: inout JSONReader) throws { self = try reader.double() }
}

extension Int: JSONReadable {
    @inlinable public init(from reader: inout JSONReader) throws { self = try reader.int() }
}

extension Bool: JSONReadable {
    @inlinable public init(from reader: inout JSONReader) throws { self = try reader.bool() }
}

extension String: JSONReadable {
    @inlinable public init(from reader: inout JSONReader) throws { self = try reader.string() }
}

extension Optional: JSONReadable where Wrapped: JSONReadable {
    @inlinable public init(from reader: inout JSONReader) throws {
        self = reader.readNull() ? nil : try Wrapped(from: &reader)
    }
}

extension Array: JSONReadable where Element: JSONReadable {
    @inlinable public init(from reader: inout JSONReader) throws {
        var elements: [Element] = []
        try reader.array { elements.append(try Element(from: &$0)) }
        self = elements
    }
}

extension Dictionary: JSONReadable where Key == String, Value: JSONReadable {
    @inlinable public init(from reader: inout JSONReader) throws {
        var members: [String: Value] = [:]
        try reader.object { reader, key in members[key] = try Value(from: &reader) }
        self = members
    }
}

/// String-valued enums are read from their raw value; any other string is an error.
extension JSONReadable where Self: RawRepresentable, RawValue == String {
    @inlinable public init(from reader: inout JSONReader) throws {
        let text = try reader.string()
        guard let value = Self(rawValue: text) else { throw reader.error("unknown \(Self.self) '\(text)'") }
        self = value
    }
}

extension EvalOutcome: JSONReadable {}
extension Bound: JSONReadable {}

extension SpecResult: JSONReadable {
    @inlinable public init(from reader: inout JSONReader) throws {
        var metric: String?, bound: Bound?, target: Double?, value: Double?, met: Bool?, margin: Double?
        try reader.object { reader, key in
            switch key {
            case "metric": metric = try String(from: &reader)
            case "bound": bound = try Bound(from: &reader)
            case "target": target = try Double(from: &reader)
            case "value": value = try Double?(from: &reader)
            case "met": met = try Bool(from: &reader)
            case "margin": margin = try Double?(from: &reader)
            default: try reader.skipValue()
            }
        }
        guard let metric else { throw reader.missing("metric") }
        guard let bound else { throw reader.missing("bound") }
        guard let target else { throw reader.missing("target") }
        guard let met else { throw reader.missing("met") }
        self.init(metric: metric, bound: bound, target: target, value: value, met: met, margin: margin)
    }
}

extension SpecTarget: JSONReadable {
    @inlinable public init(from reader: inout JSONReader) throws {
        var metric: String?, bound: Bound?, target: Double?, weight: Double?
        try reader.object { reader, key in
            switch key {
            case "metric": metric = try String(from: &reader)
            case "bound": bound = try Bound(from: &reader)
            case "target": target = try Double(from: &reader)
            case "weight": weight = try Double(from: &reader)
            default: try reader.skipValue()
            }
        }
        guard let metric else { throw reader.missing("metric") }
        guard let bound else { throw reader.missing("bound") }
        guard let target else { throw reader.missing("target") }
        guard let weight else { throw reader.missing("weight") }
        self.init(metric: metric, bound: bound, target: target, weight: weight)
    }
}
