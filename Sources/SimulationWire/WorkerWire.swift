import Circuits
import Foundation
import SizerCore
import Synchronization

/// The byte form of the messages between the pool's parent and a simulation worker, in one place.
///
/// A request is three parts separated by newlines: the per-request JSON (deck key, points and
/// their parameter values), the per-circuit JSON (analyses, measurements, op probes), then the
/// deck's lines. Both ends run this once per evaluation:
/// - the per-request part is written and read by hand (`JSONWriter`, `JSONReader`);
/// - the per-circuit part is the same from one request to the next, so each end keeps its last
///   one: the parent does not encode it again, the worker does not decode it again;
/// - the deck, most of the bytes (the SKY130 model bins), travels as raw text: no escaping.
/// JSON without pretty-printing has no raw newline, so the first two newlines end the JSON parts.
public enum WorkerWire {
    public struct MalformedRequest: Error, CustomStringConvertible {
        public let description: String
    }

    /// The part of a request that depends on the circuit only.
    struct CircuitPart: Codable, Equatable {
        var analyses: [AnalysisSpec]
        var measurements: [MeasurementSpec]
        var opProbes: [String]
        var alterTargets: [String]
        var alterCovers: [String]
    }

    /// The last circuit part encoded (parent) or decoded (worker), with its bytes.
    private static let lastCircuitPart = Mutex<(part: CircuitPart, bytes: [UInt8])?>(nil)

    public static func encode(_ request: SimulationRequest) throws -> [UInt8] {
        var writer = JSONWriter(capacity: 2048)
        writer.beginObject()
        try writer.member("deckKey", request.deckKey)
        try writer.member("deckParams", ifPresent: request.deckParams)
        try writer.member("freshLoad", request.freshLoad)
        try writer.member("points", request.points)
        writer.endObject()
        var bytes = writer.bytes
        bytes.append(newline)
        bytes += try circuitPartBytes(CircuitPart(analyses: request.analyses, measurements: request.measurements,
                                                  opProbes: request.opProbes, alterTargets: request.alterTargets,
                                                  alterCovers: request.alterCovers))
        bytes.append(newline)
        bytes.reserveCapacity(bytes.count + request.deck.reduce(0) { $0 + $1.utf8.count + 1 })
        for (index, line) in request.deck.enumerated() {
            if index > 0 { bytes.append(newline) }
            let start = bytes.count
            bytes.append(contentsOf: line.utf8)
            // Netlist lines never hold a newline (templates are read line by line); refuse one
            // rather than let it split a card in two (memchr: model cards are kilobytes long).
            let holdsNewline = bytes.withUnsafeBufferPointer {
                memchr($0.baseAddress! + start, Int32(newline), $0.count - start) != nil
            }
            guard !holdsNewline else {
                throw MalformedRequest(description: "deck line \(index + 1) contains a newline")
            }
        }
        return bytes
    }

    public static func decodeRequest(_ bytes: [UInt8]) throws -> SimulationRequest {
        guard let first = bytes.firstIndex(of: newline),
              let second = bytes[(first + 1)...].firstIndex(of: newline) else {
            throw MalformedRequest(description: "a request needs two JSON lines before its deck")
        }
        let circuit = try circuitPart(Array(bytes[(first + 1)..<second]))
        var deckKey: String?, deckParams: [ParamValue]?, freshLoad = false, points: [SimulationPoint]?
        var reader = JSONReader(Array(bytes[..<first]))
        try reader.object { reader, key in
            switch key {
            case "deckKey": deckKey = try String(from: &reader)
            case "deckParams": deckParams = try [ParamValue]?(from: &reader)
            case "freshLoad": freshLoad = try Bool(from: &reader)
            case "points": points = try [SimulationPoint](from: &reader)
            default: try reader.skipValue()
            }
        }
        guard let deckKey, let points else { throw MalformedRequest(description: "the request header lacks deckKey or points") }
        let deck = bytes[(second + 1)...]
        var request = SimulationRequest(
            deckKey: deckKey,
            deck: deck.isEmpty ? [] : deck.split(separator: newline, omittingEmptySubsequences: false)
                .map { String(decoding: $0, as: UTF8.self) },
            freshLoad: freshLoad, analyses: circuit.analyses, measurements: circuit.measurements,
            opProbes: circuit.opProbes, points: points)
        request.deckParams = deckParams
        request.alterTargets = circuit.alterTargets
        request.alterCovers = circuit.alterCovers
        return request
    }

    private static func circuitPartBytes(_ part: CircuitPart) throws -> [UInt8] {
        if let last = lastCircuitPart.withLock({ $0 }), last.part == part { return last.bytes }
        try checkAlterTargets(part)
        let bytes = Array(try encoder().encode(part))
        lastCircuitPart.withLock { $0 = (part, bytes) }
        return bytes
    }

    private static func circuitPart(_ bytes: [UInt8]) throws -> CircuitPart {
        if let last = lastCircuitPart.withLock({ $0 }), last.bytes == bytes { return last.part }
        let part = try decoder().decode(CircuitPart.self, from: Data(bytes))
        try checkAlterTargets(part)
        lastCircuitPart.withLock { $0 = (part, bytes) }
        return part
    }

    /// The worker runs alter targets as commands: nothing but `alter @device[parameter]` is sent or taken.
    private static func checkAlterTargets(_ part: CircuitPart) throws {
        if let unsafe = part.alterTargets.first(where: { !isSafeAlterTarget($0) }) {
            throw MalformedRequest(description: "refusing alter target '\(unsafe)'")
        }
    }

    /// Command prefixes the worker may run: `alter @` or `altermod @`, then a device name and a
    /// parameter in brackets, nothing else.
    public static func isSafeAlterTarget(_ target: String) -> Bool {
        let body: Substring
        if target.hasPrefix("alter @") { body = target.dropFirst("alter @".count) }
        else if target.hasPrefix("altermod @") { body = target.dropFirst("altermod @".count) }
        else { return false }
        guard let open = body.firstIndex(of: "["), body.last == "]" else { return false }
        let device = body[..<open], key = body[body.index(after: open)..<body.index(before: body.endIndex)]
        func plain(_ s: Substring, dots: Bool) -> Bool {
            !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || (dots && $0 == ".")) }
        }
        return plain(device, dots: true) && plain(key, dots: false)
    }

    public static func encode(_ response: SimulationResponse) throws -> [UInt8] {
        try response.jsonBytes()
    }

    public static func decodeResponse(_ bytes: [UInt8]) throws -> SimulationResponse {
        try JSONReader.read(SimulationResponse.self, from: bytes)
    }

    private static let newline = UInt8(ascii: "\n")

    private static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .throw
        return encoder
    }

    private static func decoder() -> JSONDecoder { JSONDecoder() }
}

// The worker writes one response per evaluation and the parent reads it: by hand (camelCase keys,
// the types' own names) rather than through `JSONEncoder`/`JSONDecoder`.
extension PointResult.Status: JSONWritable, JSONReadable {}
extension PointResult.Preparation: JSONWritable, JSONReadable {}

extension PointResult: JSONReadable {
    public init(from reader: inout JSONReader) throws {
        var status: Status?, metrics: Metrics?, operatingPoint: [String: Double]?, errors: [String]?
        var seconds: Double?, prepareSeconds: Double?, analysisSeconds: Double?, preparation: Preparation?
        try reader.object { reader, key in
            switch key {
            case "status": status = try Status(from: &reader)
            case "preparation": preparation = try Preparation(from: &reader)
            case "metrics": metrics = try Metrics(from: &reader)
            case "operatingPoint": operatingPoint = try [String: Double](from: &reader)
            case "errors": errors = try [String](from: &reader)
            case "seconds": seconds = try Double(from: &reader)
            case "prepareSeconds": prepareSeconds = try Double(from: &reader)
            case "analysisSeconds": analysisSeconds = try Double(from: &reader)
            default: try reader.skipValue()
            }
        }
        guard let status, let metrics, let operatingPoint, let errors, let seconds, let prepareSeconds, let analysisSeconds else {
            throw reader.missing("a point result member")
        }
        self.init(status: status, metrics: metrics, operatingPoint: operatingPoint, errors: errors, seconds: seconds,
                  prepareSeconds: prepareSeconds, analysisSeconds: analysisSeconds)
        self.preparation = preparation
    }
}

extension SimulationResponse: JSONReadable {
    public init(from reader: inout JSONReader) throws {
        var points: [PointResult]?, rssBytes: Int?, served: Int?
        try reader.object { reader, key in
            switch key {
            case "points": points = try [PointResult](from: &reader)
            case "rssBytes": rssBytes = try Int(from: &reader)
            case "served": served = try Int(from: &reader)
            default: try reader.skipValue()
            }
        }
        guard let points, let rssBytes, let served else { throw reader.missing("points, rssBytes or served") }
        self.init(points: points, rssBytes: rssBytes, served: served)
    }
}

extension PointResult: JSONWritable {
    public func write(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.member("analysisSeconds", analysisSeconds)
        try writer.member("errors", errors)
        try writer.member("metrics", metrics)
        try writer.member("operatingPoint", operatingPoint)
        try writer.member("prepareSeconds", prepareSeconds)
        try writer.member("preparation", ifPresent: preparation)
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

extension ParamValue: JSONWritable, JSONReadable {
    public func write(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.member("name", name)
        try writer.member("value", value)
        writer.endObject()
    }

    public init(from reader: inout JSONReader) throws {
        var name: String?, value: Double?
        try reader.object { reader, key in
            switch key {
            case "name": name = try String(from: &reader)
            case "value": value = try Double(from: &reader)
            default: try reader.skipValue()
            }
        }
        guard let name, let value else { throw reader.missing("name or value") }
        self.init(name, value)
    }
}

extension Corner: JSONWritable, JSONReadable {
    public func write(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.member("process", process)
        try writer.member("supplyV", supplyV)
        try writer.member("temperatureC", temperatureC)
        writer.endObject()
    }

    public init(from reader: inout JSONReader) throws {
        var process: String?, supplyV: Double?, temperatureC: Double?
        try reader.object { reader, key in
            switch key {
            case "process": process = try String(from: &reader)
            case "supplyV": supplyV = try Double(from: &reader)
            case "temperatureC": temperatureC = try Double(from: &reader)
            default: try reader.skipValue()
            }
        }
        guard let process, let supplyV, let temperatureC else { throw reader.missing("process, supplyV or temperatureC") }
        self.init(process: process, temperatureC: temperatureC, supplyV: supplyV)
    }
}

extension SimulationPoint: JSONWritable, JSONReadable {
    public func write(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.member("alterBins", ifPresent: alter?.bins)
        try writer.member("alterValues", ifPresent: alter?.values)
        try writer.member("corner", corner)
        try writer.member("deck", ifPresent: deck)
        try writer.member("deckKey", ifPresent: deckKey)
        try writer.member("params", params)
        writer.endObject()
    }

    public init(from reader: inout JSONReader) throws {
        var corner: Corner?, params: [ParamValue]?, deck: [String]?, deckKey: String?, bins: [Int]?, values: [Double]?
        try reader.object { reader, key in
            switch key {
            case "alterBins": bins = try [Int](from: &reader)
            case "alterValues": values = try [Double](from: &reader)
            case "corner": corner = try Corner(from: &reader)
            case "params": params = try [ParamValue](from: &reader)
            case "deck": deck = try [String]?(from: &reader)
            case "deckKey": deckKey = try String?(from: &reader)
            default: try reader.skipValue()
            }
        }
        guard let corner, let params else { throw reader.missing("corner or params") }
        self.init(corner: corner, params: params, deck: deck)
        self.deckKey = deckKey
        if let bins, let values { alter = AlterDesign(values: values, bins: bins) }
    }
}
