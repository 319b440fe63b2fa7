import Foundation
import SizerCore

/// The byte form of the messages between the pool's parent and a simulation worker, in one place.
///
/// A request is its JSON header (everything but the deck), a newline, then the deck's lines joined
/// by newlines. The deck is most of the bytes (the SKY130 model bins) and the same from one request
/// to the next; as raw text it costs neither JSON escaping nor decoding on either side. JSON without
/// pretty-printing has no raw newline, so the first newline ends the header. Plain coders (no key
/// conversion, no sorting): both ends are this code, and they run once per evaluation.
public enum WorkerWire {
    public struct MalformedRequest: Error, CustomStringConvertible {
        public let description: String
    }

    public static func encode(_ request: SimulationRequest) throws -> [UInt8] {
        var header = request
        header.deck = []
        var bytes = Array(try encoder().encode(header))
        bytes.append(newline)
        for (index, line) in request.deck.enumerated() {
            // Netlist lines never hold a newline (templates are read line by line); refuse one
            // rather than let it split a card in two.
            guard !line.utf8.contains(newline) else {
                throw MalformedRequest(description: "deck line \(index + 1) contains a newline")
            }
            if index > 0 { bytes.append(newline) }
            bytes += line.utf8
        }
        return bytes
    }

    public static func decodeRequest(_ bytes: [UInt8]) throws -> SimulationRequest {
        guard let end = bytes.firstIndex(of: newline) else {
            throw MalformedRequest(description: "no newline after the request header")
        }
        var request = try decoder().decode(SimulationRequest.self, from: Data(bytes[..<end]))
        let deck = bytes[(end + 1)...]
        request.deck = deck.isEmpty ? [] : deck.split(separator: newline, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        return request
    }

    public static func encode(_ response: SimulationResponse) throws -> [UInt8] {
        try response.jsonBytes()
    }

    public static func decodeResponse(_ bytes: [UInt8]) throws -> SimulationResponse {
        try decoder().decode(SimulationResponse.self, from: Data(bytes))
    }

    private static let newline = UInt8(ascii: "\n")

    private static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .throw
        return encoder
    }

    private static func decoder() -> JSONDecoder { JSONDecoder() }
}

// The worker writes one response per evaluation: hand-written (camelCase keys, what the plain
// decoder reads) rather than through `JSONEncoder`.
extension PointResult.Status: JSONWritable {
    public func write(to writer: inout JSONWriter) throws { writer.string(rawValue) }
}

extension PointResult: JSONWritable {
    public func write(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.member("analysisSeconds", analysisSeconds)
        try writer.member("errors", errors)
        try writer.member("metrics", metrics)
        try writer.member("operatingPoint", operatingPoint)
        try writer.member("prepareSeconds", prepareSeconds)
        try writer.member("seconds", seconds)
        try writer.member("status", status)
        writer.endObject()
    }
}

extension SimulationResponse: JSONWritable {
    public func write(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.member("points", points)
        try writer.member("rssBytes", rssBytes)
        try writer.member("served", served)
        writer.endObject()
    }
}
