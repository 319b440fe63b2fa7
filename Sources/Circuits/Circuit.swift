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
    /// Pruned model lines per bin selection.
    private let prunedModels = BoundedCache<BinnedModelLibrary.Selection, [String]>(capacity: 256)
    private let deviceSizes = BoundedCache<Int, DeviceSizes>(capacity: 1)
    private let deckKeyBase = BoundedCache<Int, String>(capacity: 1)
    private let baseDeckKey = BoundedCache<Int, String>(capacity: 1)
    private let alterPlanCache = BoundedCache<Int, AlterPlan?>(capacity: 1)

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

    /// The deck loaded once per worker (nominal values; the fast path changes parameters).
    public var baseDeck: [String] { deck(process: nominalCorner.process, values: spec.fixed ?? [:]) }

    func deck(process: String, values: [String: Double]) -> [String] {
        ["* sizer: \(spec.name)", models.includeLine(process: process)] + template.lines(overriding: values) + [".end"]
    }

    /// A deck with only the model bins this design's devices can select (SKY130) and the design's
    /// values written in, its key (which names the bins, not the values) and the values it holds;
    /// nil when pruning does not apply. Set `SIZER_BIN_PRUNING=0` to turn it off.
    func prunedDeck(values: [String: Double]) -> (deck: [String], key: String, params: [ParamValue])? {
        guard case .sky130(let path, _) = models, Self.binPruningEnabled,
              let library = BinnedModelLibrary.load(directory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        else { return nil }
        let params = parameters(values: values, corner: nominalCorner)
        var written: [String: Double] = [:]
        for p in params where !p.name.hasPrefix("sw_") { written[p.name] = p.value }
        let sizes = deviceSizes.value(for: 0) { DeviceSizes(template: template, types: Set(library.subcircuits.keys)) }
        let selection = library.selection(process: nominalCorner.process, devices: sizes.devices(values: written))
        let title = "* sizer: \(spec.name)"
        // Candidates share a few bin selections: keep their model lines.
        let models = prunedModels.value(for: selection) { library.lines(selection) }
        // The key names the circuit and the bins: hashing the whole deck per candidate cost more
        // than building it.
        let key = StableHash.hex("\(keyBase)|pruned|\(selection.process)|\(selection.bins)")
        return ([title] + models + template.lines(overriding: written) + [".end"], key, params)
    }

    /// What every deck key of this circuit starts with: a hash of its title, model library and
    /// netlist with the fixed values (pruned and expanded keys then name their own structure).
    private var keyBase: String {
        deckKeyBase.value(for: 0) {
            StableHash.hex((["* sizer: \(spec.name)", models.includeLine(process: nominalCorner.process)]
                            + template.lines(overriding: spec.fixed ?? [:])).joined(separator: "\n"))
        }
    }

    static let binPruningEnabled = ProcessInfo.processInfo.environment["SIZER_BIN_PRUNING"] != "0"

    /// How the workers can move between designs without `reset` (SKY130 netlists they understand);
    /// nil otherwise. Set `SIZER_ALTER_PATH=0` to turn it off.
    public var alterPlan: AlterPlan? { Self.alterPathEnabled ? plan : nil }

    /// The alter plan whether or not the alter path is on: expanded decks are written from it.
    private var plan: AlterPlan? {
        alterPlanCache.value(for: 0) {
            guard case .sky130(let path, let corners) = models,
                  let library = BinnedModelLibrary.load(directory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
            else { return nil }
            return AlterPlan.make(template: template, library: library, processCorners: corners)
        }
    }

    static let alterPathEnabled = ProcessInfo.processInfo.environment["SIZER_ALTER_PATH"] != "0"
    /// Whether requests use expanded decks by default: `SIZER_EXPANDED_DECKS=0` turns them off.
    public static let expandedDecksEnabled = ProcessInfo.processInfo.environment["SIZER_EXPANDED_DECKS"] != "0"

    /// A request whose points are written into expanded decks (`ExpandedDeck`), one per process
    /// corner and set of bins; nil when some point cannot be (no plan, a value it cannot evaluate).
    func expandedRequest(values: [String: Double], corners: [Corner]) -> SimulationRequest? {
        guard !corners.isEmpty, case .sky130 = models, let plan else { return nil }
        let title = "* sizer: \(spec.name)"
        let alter = Self.alterPathEnabled
        var points: [SimulationPoint] = []
        var written = Set<String>()
        for corner in corners {
            let params = parameters(values: values, corner: corner)
            guard let evaluation = plan.evaluate(params: params, process: corner.process) else { return nil }
            // A device near a bin edge has no known bin (-1): ngspice chooses among the bins its
            // card list keeps, by its size, which the key then names, so that `alter` between
            // points of one key never changes it (a PVT sweep of such a design still alters).
            let design = alter ? AlterPlan.Design(values: evaluation.values, bins: evaluation.bins.map { $0 ?? -1 }) : nil
            let candidates = plan.candidateBins(evaluation)
            let shared = plan.sharedModels(evaluation, candidates: candidates)
            var point = SimulationPoint(corner: corner, params: params)
            var structure = ""
            for (index, (bins, share)) in zip(candidates, shared).enumerated() {
                structure += bins.map(String.init).joined(separator: ",") + (share ? "=" : "")
                if evaluation.bins[index] == nil {
                    let size = evaluation.sizes[index]
                    structure += "@" + [size.lengthUm, size.widthUm, size.fingers].map { "\(($0 ?? .nan).bitPattern)" }.joined(separator: ",")
                }
                structure += ";"
            }
            // Points of one key share a deck and differ by `alter`; with the alter path off, by
            // nothing: the supply is then part of the key (the temperature is an option).
            let supply = alter ? "" : "|\(corner.supplyV)"
            point.deckKey = StableHash.hex("\(keyBase)|expanded|\(corner.process)\(supply)|\(structure)")
            point.alter = design
            if written.insert(point.deckKey!).inserted {
                guard let deck = plan.expandedDeck(title: title, evaluation: evaluation, candidates: candidates, shared: shared,
                                                   process: corner.process) else { return nil }
                point.deck = deck
            }
            points.append(point)
        }
        // The first point's deck travels as the request's (raw text on the worker wire).
        let deck = points[0].deck!
        points[0].deck = nil
        var request = SimulationRequest(deckKey: points[0].deckKey!, deck: deck, analyses: analyses,
                                        measurements: spec.measurements, opProbes: opProbes, points: points)
        if alter {
            request.alterTargets = plan.targets
            request.alterCovers = plan.covers
        }
        return request
    }

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

    /// Every parameter value of one design at one corner.
    public func parameters(values: [String: Double], corner: Corner) -> [ParamValue] {
        var params = models.parameters(process: corner.process)
        params.append(ParamValue(spec.supply.param, corner.supplyV))
        for name in (spec.fixed ?? [:]).keys.sorted() { params.append(ParamValue(name, spec.fixed![name]!)) }
        for variable in spec.variables { params.append(ParamValue(variable.name, values[variable.name] ?? variable.nominal)) }
        return params
    }

    /// A worker request for one design (physical values, already validated) at the given corners:
    /// expanded decks where the alter plan can write them (and `expandedDecks`), else a pruned deck.
    public func request(values: [String: Double], corners: [Corner], freshLoad: Bool = false,
                        expandedDecks: Bool = Circuit.expandedDecksEnabled) -> SimulationRequest {
        if !freshLoad, expandedDecks, let expanded = expandedRequest(values: values, corners: corners) { return expanded }
        let pruned = freshLoad ? nil : prunedDeck(values: values)
        let base = pruned?.deck ?? baseDeck
        let plan = freshLoad ? nil : alterPlan
        let points = corners.map { corner -> SimulationPoint in
            let params = parameters(values: values, corner: corner)
            var point = SimulationPoint(corner: corner, params: params)
            point.alter = plan?.design(params: params, process: corner.process)
            if freshLoad {
                var overrides = [String: Double]()
                for p in params where !p.name.hasPrefix("sw_") { overrides[p.name] = p.value }
                point.deck = deck(process: corner.process, values: overrides)
            }
            return point
        }
        let key = pruned?.key ?? baseDeckKey.value(for: 0) { StableHash.hex(base.joined(separator: "\n")) }
        var request = SimulationRequest(deckKey: key, deck: base,
                                        freshLoad: freshLoad, analyses: analyses, measurements: spec.measurements,
                                        opProbes: opProbes, points: points)
        request.deckParams = pruned?.params
        if let plan {
            request.alterTargets = plan.targets
            request.alterCovers = plan.covers
        }
        return request
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
