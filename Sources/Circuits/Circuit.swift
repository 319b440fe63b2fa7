import Foundation
import SizerCore

/// A checked, ready-to-simulate circuit: its spec, netlist template and model library.
public struct Circuit: Sendable {
    public let spec: CircuitSpec
    public let template: NetlistTemplate
    public let space: DesignSpace
    public let models: ModelLibrary
    /// Path of the spec file it was loaded from (for a registered circuit, where it came from).
    public let specPath: String
    /// The spec as given (JSON), for the run log.
    public let specText: String
    /// Stable hash of the spec file and netlist text (for the run log).
    public let contentHash: String
    /// What the deck writer (`SpiceDeck`) derives from this circuit once and keeps: model lines,
    /// device sizes, deck keys, the alter plan.
    package let derived = DerivedValues()

    public var name: String { spec.name }

    /// Loads and checks a spec file and its netlist (named by the spec, in `../netlists/`).
    public static func load(specPath: String, paths: SizerPaths) throws -> Circuit {
        guard let data = FileManager.default.contents(atPath: specPath) else {
            throw CircuitError(file: specPath, "cannot read the spec file")
        }
        let spec = try decodeSpec(data, origin: specPath)
        let netlistPath = spec.netlist.hasPrefix("/") ? spec.netlist
            : URL(fileURLWithPath: specPath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("netlists").appendingPathComponent(spec.netlist).path
        guard let netlistText = try? String(contentsOfFile: netlistPath, encoding: .utf8) else {
            throw CircuitError(file: specPath, "cannot read netlist '\(netlistPath)'")
        }
        return try load(specText: String(decoding: data, as: UTF8.self), netlistText: netlistText,
                        origin: specPath, netlistOrigin: netlistPath, paths: paths)
    }

    /// Loads and checks a spec and its netlist given as text (a circuit registered over the
    /// socket): the same checks as files get. `origin` names it in errors; the spec's `netlist`
    /// field is not read.
    public static func load(specText: String, netlistText: String, origin: String, netlistOrigin: String? = nil,
                            paths: SizerPaths) throws -> Circuit {
        let spec = try decodeSpec(Data(specText.utf8), origin: origin)
        let template: NetlistTemplate
        do {
            template = try NetlistTemplate(text: netlistText)
        } catch {
            throw CircuitError(file: netlistOrigin ?? origin + " (netlist)", error.description)
        }
        let models: ModelLibrary
        switch spec.models {
        case "sky130": models = try ModelLibrary.sky130(directory: paths.pdkDirectory)
        case "builtin": models = .builtin(path: paths.netlistsDirectory + "/models/builtin.lib")
        default: throw CircuitError(file: origin, "unknown models '\(spec.models)' (use sky130 or builtin)")
        }
        let circuit = Circuit(spec: spec, template: template, space: DesignSpace(variables: spec.variables),
                              models: models, specPath: origin, specText: specText,
                              contentHash: StableHash.hex(specText + "\u{0}" + netlistText))
        try circuit.check()
        return circuit
    }

    private static func decodeSpec(_ data: Data, origin: String) throws -> CircuitSpec {
        do {
            return try SizerJSON.decoder().decode(CircuitSpec.self, from: data)
        } catch {
            throw CircuitError(file: origin, "invalid spec file: \(SpecDecodingMessage.describe(error, data: data))")
        }
    }

    private init(spec: CircuitSpec, template: NetlistTemplate, space: DesignSpace, models: ModelLibrary,
                 specPath: String, specText: String, contentHash: String) {
        self.spec = spec
        self.template = template
        self.space = space
        self.models = models
        self.specPath = specPath
        self.specText = specText
        self.contentHash = contentHash
    }

    // MARK: - Checks

    private func check() throws {
        func fail(_ message: String) -> CircuitError { CircuitError(file: specPath, message) }
        guard !spec.name.isEmpty, spec.name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else {
            throw fail("name '\(spec.name)' must match [a-z0-9_]+")
        }
        let defined = Set(template.parameters)
        var seen = Set<String>()
        for v in spec.variables {
            guard SpiceNumber.isSafeName(v.name) else { throw fail("variable name '\(v.name)' must match [a-z_][a-z0-9_]*") }
            guard seen.insert(v.name).inserted else { throw fail("variable '\(v.name)' is listed twice") }
            guard defined.contains(v.name) else { throw fail("variable '\(v.name)' has no `.param \(v.name)=...` line in the netlist") }
            guard v.min.isFinite, v.max.isFinite, v.min < v.max else { throw fail("variable '\(v.name)': need min < max") }
            guard (v.max - v.min).isFinite else { throw fail("variable '\(v.name)': max - min is not a finite number") }
            if v.scale == .log && v.min <= 0 { throw fail("variable '\(v.name)': log scale needs min > 0") }
            guard v.nominal >= v.min && v.nominal <= v.max else { throw fail("variable '\(v.name)': nominal outside [min, max]") }
            if v.grid != nil && DesignSpace.gridSteps(v) == nil {
                throw fail("variable '\(v.name)': grid must be a positive number with a multiple in [min, max]")
            }
        }
        for name in (spec.fixed ?? [:]).keys.sorted() {
            guard SpiceNumber.isSafeName(name), defined.contains(name) else { throw fail("fixed parameter '\(name)' has no `.param` line in the netlist") }
            guard !seen.contains(name) else { throw fail("'\(name)' is both a variable and fixed") }
        }
        guard SpiceNumber.isSafeName(spec.supply.param), defined.contains(spec.supply.param) else {
            throw fail("supply param '\(spec.supply.param)' has no `.param` line in the netlist")
        }
        guard SpiceNumber.isSafeNodeName(spec.supply.source) else { throw fail("bad supply source name '\(spec.supply.source)'") }
        var kinds = Set<AnalysisSpec.Kind>()
        for analysis in spec.analyses {
            guard kinds.insert(analysis.type).inserted else { throw fail("analysis '\(analysis.type.rawValue)' is listed twice") }
            if let command = AnalysisCommand.text(analysis), command.isEmpty == false { continue }
            throw fail("analysis '\(analysis.type.rawValue)' is missing or has invalid fields")
        }
        var names = Set<String>()
        for m in spec.measurements {
            guard names.insert(m.name).inserted else { throw fail("measurement '\(m.name)' is listed twice") }
            guard kinds.contains(m.kind.analysis) else { throw fail("measurement '\(m.name)' needs a '\(m.kind.analysis.rawValue)' analysis") }
            for node in [m.node, m.source].compactMap({ $0 }) where !SpiceNumber.isSafeNodeName(node) {
                throw fail("measurement '\(m.name)': bad node or source name '\(node)'")
            }
            if m.kind != .opPowerW && m.node == nil { throw fail("measurement '\(m.name)' needs a node") }
            if m.kind == .opPowerW && m.source == nil { throw fail("measurement '\(m.name)' needs a source") }
        }
        for s in spec.specs {
            guard names.contains(s.metric) else { throw fail("spec on unknown metric '\(s.metric)'") }
            guard s.target.isFinite else { throw fail("spec '\(s.metric)': target must be finite") }
            if let r = s.range, r.count != 2 || !(r[0] <= r[1]) { throw fail("spec '\(s.metric)': range must be [low, high]") }
        }
        if let fom = spec.figureOfMerit, !names.contains(fom.metric) || !(fom.reference > 0) {
            throw fail("figure_of_merit needs a known metric and a positive reference")
        }
        for (node, range) in (spec.sanity?.nodeRanges ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard SpiceNumber.isSafeNodeName(node) else { throw fail("sanity: bad node name '\(node)'") }
            guard range.count == 2, range[0] <= range[1] else { throw fail("sanity: node_ranges '\(node)' must be [low, high]") }
        }
        if let splits = spec.splits, !(0...100_000).contains(splits.train) || !(0...100_000).contains(splits.test) {
            throw fail("splits: train and test must be counts from 0 to 100000")
        }
        if let timeout = spec.timeoutS, !(timeout > 0 && timeout <= 86_400) {
            throw fail("timeout_s must be more than 0 and at most 86400 seconds")
        }
        if spec.models == "sky130" {
            let process = spec.corner ?? "tt"
            guard models.processCorners.contains(process) else { throw fail("unknown process corner '\(process)'") }
        }
    }

    // MARK: - Corners

    public var nominalCorner: Corner {
        Corner(process: spec.models == "sky130" ? (spec.corner ?? "tt") : "tt",
               temperatureC: spec.temperatureC ?? 27, supplyV: spec.supply.nominal)
    }

    /// Parses `nominal`, `all` (the spec's grid) or a comma-separated list of labels (`ff_125C_1.62V`).
    public func corners(_ selection: String?) throws -> [Corner] {
        guard let selection, !selection.isEmpty, selection != "nominal" else { return [nominalCorner] }
        if selection == "all" {
            guard let grid = spec.corners else { return [nominalCorner] }
            var result: [Corner] = []
            for process in grid.process {
                for temperature in grid.temperatureC {
                    for supply in grid.supplyV { result.append(Corner(process: process, temperatureC: temperature, supplyV: supply)) }
                }
            }
            return result
        }
        return try selection.split(separator: ",").map { label in
            guard let corner = Corner(label: String(label), defaultTemperatureC: nominalCorner.temperatureC,
                                      defaultSupplyV: nominalCorner.supplyV) else {
                throw CircuitError(file: specPath, "bad corner '\(label)' (expected e.g. ff_125C_1.62V)")
            }
            guard models.processCorners.contains(corner.process) else {
                throw CircuitError(file: specPath, "unknown process corner '\(corner.process)' (known: \(models.processCorners.joined(separator: ", ")))")
            }
            guard corner.temperatureC.isFinite, corner.temperatureC >= -273, corner.temperatureC <= 500,
                  corner.supplyV.isFinite, corner.supplyV > 0, corner.supplyV <= 100 else {
                throw CircuitError(file: specPath, "corner '\(label)' is out of range")
            }
            return corner
        }
    }

    // MARK: - Requests

    /// Vectors of the op analysis the evaluation needs: supply current and sanity nodes.
    public var opProbes: [String] {
        var probes = ["\(spec.supply.source)#branch"]
        probes += (spec.sanity?.nodeRanges ?? [:]).keys.sorted()
        return probes
    }

    /// Analyses in run order; an `op` is added first when power or sanity needs one.
    public var analyses: [AnalysisSpec] {
        var list = spec.analyses
        if !list.contains(where: { $0.type == .op }) { list.insert(AnalysisSpec(type: .op), at: 0) }
        return list
    }

    public func sanityViolations(operatingPoint: [String: Double]) -> [String] {
        OperatingPointSanity.violations(spec.sanity, supplySource: spec.supply.source, operatingPoint: operatingPoint)
    }

    /// Per-evaluation deadline.
    public var timeout: Duration { .milliseconds(Int((spec.timeoutS ?? 20) * 1000)) }
}

/// The ngspice command for an analysis; nil if its fields are missing or not finite.
public enum AnalysisCommand {
    public static func text(_ a: AnalysisSpec) -> String? {
        func num(_ x: Double?) -> String? { x.flatMap { $0.isFinite ? SpiceNumber.format($0) : nil } }
        switch a.type {
        case .op: return "op"
        case .ac:
            guard let n = a.pointsPerDecade, n > 0, n <= 1000, let f1 = num(a.startHz), let f2 = num(a.stopHz),
                  a.startHz! > 0, a.stopHz! > a.startHz! else { return nil }
            return "ac dec \(n) \(f1) \(f2)"
        case .dc:
            guard let source = a.source, SpiceNumber.isSafeNodeName(source), let start = num(a.start),
                  let stop = num(a.stop), let step = num(a.step), a.step! != 0 else { return nil }
            return "dc \(source) \(start) \(stop) \(step)"
        case .tran:
            guard let step = num(a.stepS), let stop = num(a.stopS), a.stepS! > 0, a.stopS! > 0 else { return nil }
            var command = "tran \(step) \(stop)"
            if let start = num(a.startS ?? (a.maxStepS == nil ? nil : 0)) { command += " \(start)" }
            if let maxStep = num(a.maxStepS) { command += " \(maxStep)" }
            return command
        }
    }
}

enum SpecDecodingMessage {
    static func describe(_ error: Error, data: Data) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field '\(fieldName(key))' at '\(path(context.codingPath))'"
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            // Not JSON at all (NaN, Infinity and numbers beyond Double's range are not JSON): the
            // decoder does not say where; JSONSerialization names the number or the position.
            var detail = ""
            do { _ = try JSONSerialization.jsonObject(with: data) } catch {
                detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? ""
            }
            return "not valid JSON" + (detail.isEmpty ? "" : ": \(detail)")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(context.debugDescription) at '\(path(context.codingPath))'"
        @unknown default: return "\(error)"
        }
    }

    /// `variables[0].min`, `corners.supply_v`: the path as written in the file.
    static func path(_ keys: [any CodingKey]) -> String {
        keys.reduce("") { text, key in
            if let index = key.intValue { return text + "[\(index)]" }
            return text.isEmpty ? fieldName(key) : text + "." + fieldName(key)
        }
    }

    /// The decoder reports Swift's camelCase names; spec files use snake_case (a key that starts
    /// with a capital, such as a node name in `node_ranges`, is left as it is).
    static func fieldName(_ key: any CodingKey) -> String {
        let name = key.stringValue
        guard let first = name.first, first.isLowercase else { return name }
        return name.reduce("") { $0 + ($1.isUppercase ? "_" + $1.lowercased() : String($1)) }
    }
}
