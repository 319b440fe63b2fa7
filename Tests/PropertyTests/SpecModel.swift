import Circuits
import Foundation
import SizerCore

/// The test's own description of a spec file: what the generators draw, what is written as JSON
/// with the documented field names, and what the parser must read back.
struct SpecModel: Sendable, CustomStringConvertible {
    struct Variable: Sendable {
        var name: String
        var unit: String?
        var min: Double
        var max: Double
        var log: Bool
        var nominal: Double
        var grid: Double?

        var circuitsVariable: CircuitSpec.Variable {
            .init(name: name, unit: unit, min: min, max: max, scale: log ? .log : .linear, nominal: nominal, grid: grid)
        }
    }

    struct AC: Sendable { var pointsPerDecade: Int; var startHz: Double; var stopHz: Double }
    struct DC: Sendable { var source: String; var start: Double; var stop: Double; var step: Double }
    struct Tran: Sendable { var stepS: Double; var stopS: Double; var startS: Double?; var maxStepS: Double? }

    struct Measurement: Sendable {
        var name: String
        var kind: MeasurementSpec.Kind
        var node: String?
        var source: String?
        var atHz: Double?
        var negate: Bool?
        var fraction: Double?
        var tolerance: Double?
        var toleranceV: Double?
        var afterS: Double?
        var at: Double?
    }

    struct Spec: Sendable {
        var metric: String
        var upper: Bool
        var target: Double
        var weight: Double?
        var range: [Double]?
    }

    struct FigureOfMerit: Sendable { var metric: String; var maximize: Bool; var reference: Double }
    struct Sanity: Sendable { var maxSupplyCurrentA: Double?; var nodeRanges: [(String, [Double])]? }
    struct Splits: Sendable { var seed: UInt64; var train: Int; var test: Int }
    struct Corners: Sendable { var process: [String]; var temperatureC: [Double]; var supplyV: [Double] }

    var name: String
    /// The spec's `description` field.
    var summary: String?
    var corner: String?
    var temperatureC: Double?
    var supplyParam = "vdd"
    var supplyNominal: Double
    var supplySource = "vsupply"
    var variables: [Variable]
    var fixed: [(String, Double)]
    var op: Bool
    var ac: AC?
    var dc: DC?
    var tran: Tran?
    var measurements: [Measurement]
    var specs: [Spec]
    var figureOfMerit: FigureOfMerit?
    var sanity: Sanity?
    var splits: Splits?
    var corners: Corners?
    var timeoutS: Double?

    /// The netlist template that defines every parameter the spec names.
    var netlist: String {
        var lines = ["* generated for a property test", ".param \(supplyParam)=1.8"]
        lines += variables.map { ".param \($0.name)=\($0.nominal)" }
        lines += fixed.map { ".param \($0.0)=\($0.1)" }
        lines += ["\(supplySource) vdd 0 {\(supplyParam)}", "r1 vdd out 1k", "r2 out 0 1k", ".end"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The spec file, field names as in docs/spec-format.md.
    var json: JSONText {
        func opt(_ key: String, _ x: Double?) -> [(String, JSONText)] { x.map { [(key, .number($0))] } ?? [] }
        func opt(_ key: String, _ s: String?) -> [(String, JSONText)] { s.map { [(key, .string($0))] } ?? [] }
        var fields: [(String, JSONText)] = [("name", .string(name))]
        fields += opt("description", summary)
        fields += [("netlist", .string("model.cir")), ("models", .string("builtin"))]
        fields += opt("corner", corner)
        fields += opt("temperature_c", temperatureC)
        fields.append(("supply", .object([("param", .string(supplyParam)), ("nominal", .number(supplyNominal)),
                                          ("source", .string(supplySource))])))
        fields.append(("variables", .array(variables.map { v in
            var f: [(String, JSONText)] = [("name", .string(v.name))]
            f += opt("unit", v.unit)
            f += [("min", .number(v.min)), ("max", .number(v.max)), ("scale", .string(v.log ? "log" : "linear")),
                  ("nominal", .number(v.nominal))]
            f += opt("grid", v.grid)
            return .object(f)
        })))
        fields.append(("fixed", .object(fixed.map { ($0.0, .number($0.1)) })))
        var analyses: [JSONText] = []
        if op { analyses.append(.object([("type", .string("op"))])) }
        if let ac {
            analyses.append(.object([("type", .string("ac")), ("points_per_decade", .integer(ac.pointsPerDecade)),
                                     ("start_hz", .number(ac.startHz)), ("stop_hz", .number(ac.stopHz))]))
        }
        if let dc {
            analyses.append(.object([("type", .string("dc")), ("source", .string(dc.source)), ("start", .number(dc.start)),
                                     ("stop", .number(dc.stop)), ("step", .number(dc.step))]))
        }
        if let tran {
            var f: [(String, JSONText)] = [("type", .string("tran")), ("step_s", .number(tran.stepS)), ("stop_s", .number(tran.stopS))]
            f += opt("start_s", tran.startS) + opt("max_step_s", tran.maxStepS)
            analyses.append(.object(f))
        }
        fields.append(("analyses", .array(analyses)))
        fields.append(("measurements", .array(measurements.map { m in
            var f: [(String, JSONText)] = [("name", .string(m.name)), ("kind", .string(m.kind.rawValue))]
            f += opt("node", m.node) + opt("source", m.source) + opt("at_hz", m.atHz)
            if let negate = m.negate { f.append(("negate", .bool(negate))) }
            f += opt("fraction", m.fraction) + opt("tolerance", m.tolerance) + opt("tolerance_v", m.toleranceV)
            f += opt("after_s", m.afterS) + opt("at", m.at)
            return .object(f)
        })))
        fields.append(("specs", .array(specs.map { s in
            var f: [(String, JSONText)] = [("metric", .string(s.metric)), ("bound", .string(s.upper ? "upper" : "lower")),
                                           ("target", .number(s.target))]
            f += opt("weight", s.weight)
            if let range = s.range { f.append(("range", .array(range.map { .number($0) }))) }
            return .object(f)
        })))
        if let fom = figureOfMerit {
            fields.append(("figure_of_merit", .object([("metric", .string(fom.metric)),
                                                       ("goal", .string(fom.maximize ? "maximize" : "minimize")),
                                                       ("reference", .number(fom.reference))])))
        }
        if let sanity {
            var f = opt("max_supply_current_a", sanity.maxSupplyCurrentA)
            if let ranges = sanity.nodeRanges {
                f.append(("node_ranges", .object(ranges.map { ($0.0, .array($0.1.map { .number($0) })) })))
            }
            fields.append(("sanity", .object(f)))
        }
        if let splits {
            fields.append(("splits", .object([("seed", .literal("\(splits.seed)")), ("train", .integer(splits.train)),
                                              ("test", .integer(splits.test))])))
        }
        if let corners {
            fields.append(("corners", .object([("process", .array(corners.process.map { .string($0) })),
                                               ("temperature_c", .array(corners.temperatureC.map { .number($0) })),
                                               ("supply_v", .array(corners.supplyV.map { .number($0) }))])))
        }
        fields += opt("timeout_s", timeoutS)
        return .object(fields)
    }

    /// A failing case is reported with the generated spec file itself.
    var description: String { json.description }
}
