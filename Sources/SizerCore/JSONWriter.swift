/// A small JSON writer for the few values written on every turn (run-log blobs, `agent.evaluate`
/// replies). Foundation's `JSONEncoder` spent about a third of the daemon's CPU on them.
///
/// The output is byte for byte what `SizerJSON.encoder()` writes: keys sorted, integral doubles
/// without ".0", non-finite numbers refused (`JSONWriterTests` compares the two).
public struct JSONWriter {
    public struct NonFiniteNumber: Error, CustomStringConvertible {
        public let value: Double
        @inlinable public init(value: Double) { self.value = value }
        public var description: String { "cannot write \(value) as JSON" }
    }

    /// The text so far (read it when done; writing it directly breaks the separators).
    public var bytes: [UInt8] = []
    /// One entry per open object or array: whether it has no member yet.
    @usableFromInline var empty: [Bool] = []

    @inlinable public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    @inlinable public mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); empty.append(true) }
    @inlinable public mutating func endObject() { empty.removeLast(); bytes.append(UInt8(ascii: "}")) }
    @inlinable public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); empty.append(true) }
    @inlinable public mutating func endArray() { empty.removeLast(); bytes.append(UInt8(ascii: "]")) }

    /// A key of the open object; the value follows. Callers write keys in sorted order.
    @inlinable public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        // The value that follows belongs to this key: no comma before it.
        empty[empty.count - 1] = true
    }

    @inlinable public mutating func string(_ value: String) { separate(); appendQuoted(value) }
    @inlinable public mutating func bool(_ value: Bool) { separate(); bytes.append(contentsOf: (value ? "true" : "false").utf8) }
    @inlinable public mutating func null() { separate(); bytes.append(contentsOf: "null".utf8) }
    @inlinable public mutating func int(_ value: Int) { separate(); bytes.append(contentsOf: String(value).utf8) }

    @inlinable public mutating func number(_ value: Double) throws {
        guard value.isFinite else { throw NonFiniteNumber(value: value) }
        separate()
        let text = value.description
        let utf8 = text.utf8
        // "100.0" is written "100", as the encoder writes it.
        if utf8.count > 2, utf8.last == UInt8(ascii: "0"), utf8[utf8.index(utf8.endIndex, offsetBy: -2)] == UInt8(ascii: ".") {
            bytes.append(contentsOf: utf8.dropLast(2))
        } else {
            bytes.append(contentsOf: utf8)
        }
    }

    /// `"key": value` for the common member kinds.
    @inlinable public mutating func member(_ name: String, _ value: some JSONWritable) throws {
        key(name)
        try value.write(to: &self)
    }

    /// A member that `JSONEncoder` leaves out when nil (synthesized `Codable` uses `encodeIfPresent`).
    @inlinable public mutating func member(_ name: String, ifPresent value: (some JSONWritable)?) throws {
        guard let value else { return }
        try member(name, value)
    }

    @usableFromInline mutating func separate() {
        guard let last = empty.last else { return }
        if last {
            empty[empty.count - 1] = false
        } else {
            bytes.append(UInt8(ascii: ","))
        }
    }

    @usableFromInline mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "/"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "/")]
            case 0x0A: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x08: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                          hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// A value `JSONWriter` can write, the same way `SizerJSON.encoder()` would encode it.
public protocol JSONWritable {
    func write(to writer: inout JSONWriter) throws
}

extension JSONWritable {
    /// The JSON text as bytes.
    @inlinable public func jsonBytes() throws -> [UInt8] {
        var writer = JSONWriter()
        try write(to: &writer)
        return writer.bytes
    }
}

extension Double: JSONWritable {
    @inlinable public func write(to writer: inout JSONWriter) throws { try writer.number(self) }
}

extension Int: JSONWritable {
    @inlinable public func write(to writer: inout JSONWriter) throws { writer.int(self) }
}

extension Bool: JSONWritable {
    @inlinable public func write(to writer: inout JSONWriter) throws { writer.bool(self) }
}

extension String: JSONWritable {
    @inlinable public func write(to writer: inout JSONWriter) throws { writer.string(self) }
}

extension Optional: JSONWritable where Wrapped: JSONWritable {
    @inlinable public func write(to writer: inout JSONWriter) throws {
        if let self { try self.write(to: &writer) } else { writer.null() }
    }
}

extension Array: JSONWritable where Element: JSONWritable {
    @inlinable public func write(to writer: inout JSONWriter) throws {
        writer.beginArray()
        for element in self { try element.write(to: &writer) }
        writer.endArray()
    }
}

extension Dictionary: JSONWritable where Key == String, Value: JSONWritable {
    @inlinable public func write(to writer: inout JSONWriter) throws {
        writer.beginObject()
        // The encoder's `.sortedKeys` compares keys as strings.
        for key in keys.sorted() {
            try writer.member(key, self[key]!)
        }
        writer.endObject()
    }
}

/// String-valued enums are written as their raw value, as the encoder writes them.
extension JSONWritable where Self: RawRepresentable, RawValue == String {
    @inlinable public func write(to writer: inout JSONWriter) throws { writer.string(rawValue) }
}

// MARK: - Value types written on every turn (keys in the encoder's snake_case, sorted)

extension EvalOutcome: JSONWritable {}
extension Bound: JSONWritable {}

extension SpecTarget: JSONWritable {
    @inlinable public func write(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.member("bound", bound)
        try writer.member("metric", metric)
        try writer.member("target", target)
        try writer.member("weight", weight)
        writer.endObject()
    }
}

extension SpecResult: JSONWritable {
    @inlinable public func write(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.member("bound", bound)
        try writer.member("margin", ifPresent: margin)
        try writer.member("met", met)
        try writer.member("metric", metric)
        try writer.member("target", target)
        try writer.member("value", ifPresent: value)
        writer.endObject()
    }
}
