import Foundation
import SizerCore

/// A request id: a number or a string, echoed in the response.
public enum RPCID: Codable, Sendable, Hashable, CustomStringConvertible {
    case number(Int64)
    case string(String)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) { self = .number(number) }
        else { self = .string(try container.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        }
    }

    public var description: String {
        switch self {
        case .number(let value): "\(value)"
        case .string(let value): value
        }
    }
}

/// The `params` member of a request line.
private struct ParamsBox<T: Decodable>: Decodable {
    var params: T?
}

/// A request line's envelope, read without building a JSON tree; `params` is decoded later from
/// the same line, once the method says its type (see `WireCoding.decodeParams`).
public struct RequestEnvelope: Decodable, Sendable {
    public enum IDField: Sendable, Equatable { case absent, null, valid(RPCID), invalid }
    public enum ParamsField: Sendable, Equatable { case absent, null, object, other }

    /// `jsonrpc`, if it is a string.
    public var version: String?
    public var id: IDField
    /// `method`, if it is a string.
    public var method: String?
    public var params: ParamsField

    private enum Keys: String, CodingKey { case jsonrpc, id, method, params }
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Throws a `typeMismatch` when the line is JSON but not an object.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        version = try? container.decode(String.self, forKey: .jsonrpc)
        if !container.contains(.id) { id = .absent }
        else if (try? container.decodeNil(forKey: .id)) == true { id = .null }
        else if let value = try? container.decode(RPCID.self, forKey: .id) { id = .valid(value) }
        else { id = .invalid }
        method = try? container.decode(String.self, forKey: .method)
        if !container.contains(.params) { params = .absent }
        else if (try? container.decodeNil(forKey: .params)) == true { params = .null }
        else if (try? container.nestedContainer(keyedBy: AnyKey.self, forKey: .params)) != nil { params = .object }
        else { params = .other }
    }
}

/// A request with typed params, for clients: encoded in one pass, without a JSON tree.
public struct TypedRequest<Params: Encodable & Sendable>: Encodable, Sendable {
    /// The request line's bytes: by hand when the params can be written so (every turn's
    /// `agent.evaluate`), else through the encoder; the same text either way.
    public func lineBytes() throws -> [UInt8] {
        guard let writable = params as? any JSONWritable else { return Array(try SizerJSON.encoder().encode(self)) }
        var writer = JSONWriter(capacity: 1024)
        writer.beginObject()
        writer.key("id")
        switch id {
        case .number(let n): writer.int(Int(n))
        case .string(let text): writer.string(text)
        }
        try writer.member("jsonrpc", jsonrpc)
        try writer.member("method", method)
        writer.key("params")
        try writable.write(to: &writer)
        writer.endObject()
        return writer.bytes
    }

    public var jsonrpc = "2.0"
    public var id: RPCID
    public var method: String
    public var params: Params

    public init(id: RPCID, method: String, params: Params) {
        self.id = id
        self.method = method
        self.params = params
    }
}

/// One response: `result` or `error`. `id` is null when the request could not be read.
public struct RPCResponse: Codable, Sendable {
    public var jsonrpc: String
    public var id: RPCID?
    public var result: JSONValue?
    public var error: RPCError?

    public init(id: RPCID?, result: JSONValue) {
        jsonrpc = "2.0"
        self.id = id
        self.result = result
        error = nil
    }

    public init(id: RPCID?, error: RPCError) {
        jsonrpc = "2.0"
        self.id = id
        result = nil
        self.error = error
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jsonrpc, forKey: .jsonrpc)
        // JSON-RPC: `id` is always present in a response (null if unknown).
        if let id { try container.encode(id, forKey: .id) } else { try container.encodeNil(forKey: .id) }
        if let error { try container.encode(error, forKey: .error) } else { try container.encode(result ?? .null, forKey: .result) }
    }
}

/// A server-to-client notification (no id), for streams such as `jobs.watch`.
public struct RPCNotification: Codable, Sendable {
    public var jsonrpc: String
    public var method: String
    public var params: JSONValue

    public init(method: String, params: JSONValue) {
        jsonrpc = "2.0"
        self.method = method
        self.params = params
    }
}

/// Limits and the version of the wire protocol.
public enum ProtocolLimits {
    /// The protocol version `hello` negotiates.
    public static let version = 1
    /// The longest request line the daemon reads; longer lines are answered with a parse error
    /// and skipped up to their newline, and the connection stays usable.
    public static let maxRequestLineBytes = 1 << 20
    /// Deepest nesting of arrays and objects in a request (no method needs more than a few levels).
    public static let maxNestingDepth = 64
    /// Connections the daemon serves at once; more are answered with `overloaded` and closed.
    public static let maxConnections = 256
    /// Long requests (watch, claim, evaluate, eval, replay) one connection may have in flight.
    public static let maxInFlightPerConnection = 32
    /// The longest response line a client accepts (a long job's history can be large).
    public static let maxResponseLineBytes = 256 << 20
}

/// Encodes and decodes typed values to and from `JSONValue` with the one Sizer JSON configuration.
public enum WireCoding {
    public static func value<T: Encodable>(_ value: T) throws -> JSONValue {
        let data = try SizerJSON.encoder().encode(value)
        return try SizerJSON.decoder().decode(JSONValue.self, from: data)
    }

    /// Decodes params, turning decoding failures into `invalidParams` errors that name the field.
    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue?) throws(RPCError) -> T {
        do {
            let data = try SizerJSON.encoder().encode(value ?? .object([:]))
            return try SizerJSON.decoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw RPCError(.invalidParams, describe(error))
        } catch {
            throw RPCError(.invalidParams, "unreadable params: \(error)")
        }
    }

    /// Decodes the `params` of a request line (absent or null: no params), turning failures into
    /// `invalidParams` errors that name the field.
    public static func decodeParams<T: Decodable>(_ type: T.Type, fromLine line: Data) throws(RPCError) -> T {
        func decode<V: Decodable>(_ type: V.Type, _ data: Data, envelopeKeys: Int) throws(RPCError) -> V {
            do {
                return try SizerJSON.decoder().decode(V.self, from: data)
            } catch let error as DecodingError {
                throw RPCError(.invalidParams, describe(error, droppingLeadingKeys: envelopeKeys))
            } catch {
                throw RPCError(.invalidParams, "unreadable params: \(error)")
            }
        }
        // The params sent with every turn have a hand-written reader; anything it does not take
        // (a type error, a missing member) is decoded again below, which names the field.
        if let readable = T.self as? any JSONReadable.Type, let params = quickParams(readable, line) as? T { return params }
        if let params = try decode(ParamsBox<T>.self, line, envelopeKeys: 1).params { return params }
        return try decode(T.self, Data("{}".utf8), envelopeKeys: 0)
    }

    private static func quickParams(_ type: any JSONReadable.Type, _ line: Data) -> (any JSONReadable)? {
        var reader = JSONReader(Array(line))
        var params: (any JSONReadable)?
        do {
            try reader.object { reader, key in
                if key == "params" { params = try type.init(from: &reader) } else { try reader.skipValue() }
            }
        } catch {
            return nil
        }
        return params
    }

    /// One line for a decoding error: which field, what was wrong. `droppingLeadingKeys` removes
    /// the envelope's keys from the path when params were decoded inside their request.
    static func describe(_ error: DecodingError, droppingLeadingKeys dropped: Int = 0) -> String {
        func path(_ keys: [CodingKey]) -> String {
            let parts = keys.dropFirst(dropped).map { key -> String in
                if let index = key.intValue { return "[\(index)]" }
                return "." + snakeCase(key.stringValue)
            }
            return "params" + parts.joined()
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is required"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) must be \(typeDescription(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) must be \(typeDescription(type)), not null"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "invalid params"
        }
    }

    static func typeDescription(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int64.Type, is UInt64.Type: return "an integer"
        case is Double.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "a boolean"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "a valid \(name)"
        }
    }

    static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}
