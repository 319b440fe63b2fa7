import Foundation

/// How to move a loaded deck to another design with `alter`/`altermod` instead of `alterparam`
/// + `reset`, and when that is exact.
///
/// Why: `reset` re-runs ngspice's whole front end and re-creates every SKY130 model card per FET
/// (about 6 ms of a 15 ms `two_stage` evaluation); setting the changed instance and model
/// parameters directly takes about 0.2 ms. It is exact when every value set is the double that
/// numparam would have computed and written, and every device keeps its model bin:
/// - values are evaluated here in numparam's arithmetic (`SpiceExpression`) and sent as
///   `alter ... = [ %.15e ]`, the text numparam writes and the number parser a load uses;
/// - the plan names, per FET, the bin ngspice picks (the first in library order whose L and W
///   per finger lie within range, 1 nm tolerance); a design within 2 nm (plus 1e-6 of the size) of a
///   bin edge has no bins, and so goes through `reset`, as does any change of bin;
/// - a netlist this plan does not understand (its own subcircuits, expressions on other
///   elements, functions it does not know) gets no plan: every design goes through `reset`.
/// Tests compare designs reached this way with fresh loads, bit for bit.
public struct AlterPlan: Sendable {
    /// One command prefix per quantity, e.g. `alter @rz[resistance]` or
    /// `altermod @m.xm1.msky130_fd_pr__nfet_01v8[rsh]`; the worker appends ` = [ value ]`.
    public let targets: [String]
    /// Top-level parameters whose changes the targets carry; others (process corner) need `reset`.
    public let covers: [String]

    /// The per-design values: one per target, and per FET the index of its bin in the library.
    public struct Design: Sendable, Equatable, Codable {
        public var values: [Double]
        public var bins: [Int]
    }

    private enum Quantity: Sendable {
        /// A top-level expression (a passive's value, a source's DC value).
        case element(SpiceExpression)
        /// Parameter `index` of FET `fet`'s device line (or of its model card).
        case device(fet: Int, key: String)
        case model(fet: Int, key: String)
    }

    /// A library FET subcircuit: its parameters, device line and instance-dependent model values.
    private struct DeviceType: Sendable {
        var defaults: [(name: String, expression: SpiceExpression)]
        var deviceName: String
        var deviceParameters: [(name: String, expression: SpiceExpression)]
        var modelParameters: [(name: String, expression: SpiceExpression)]
        var bins: [BinnedModelLibrary.Bin]
    }

    private struct FET: Sendable {
        var type: String
        var overrides: [String: SpiceExpression]
    }

    private let parameters: [(name: String, expression: SpiceExpression)]
    private let quantities: [Quantity]
    private let fets: [FET]
    private let types: [String: DeviceType]
    private let globals: [String: [String: Double]]

    /// The plan for a SKY130 netlist, or nil when some part of it is not understood.
    static func make(template: NetlistTemplate, library: BinnedModelLibrary, processCorners: [String: [String: Double]]) -> AlterPlan? {
        let lines = ParamCards.logicalLines(template.lines)
        let names = Set(lines.filter { $0.lowercased().hasPrefix(".param") }
            .flatMap { ParamCards.parameters([$0])?.map(\.name) ?? [] })
        // A controlled or behavioral source the plan does not carry must not read a parameter at
        // all: not in braces, and not by bare name either (B sources can read parameters that way).
        func reads(_ line: String) -> Bool {
            line.contains("{") || line.contains("'")
                || !names.isDisjoint(with: line.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init))
        }
        var parameters: [(name: String, expression: SpiceExpression)] = []
        var targets: [String] = [], quantities: [Quantity] = [], fets: [FET] = []
        var types: [String: DeviceType] = [:]
        for line in lines {
            let lower = line.lowercased()
            if lower.hasPrefix(".subckt") { return nil }
            if lower.hasPrefix(".param") {
                guard let assignments = ParamCards.parameters([line]) else { return nil }
                for (name, value) in assignments {
                    guard let expression = SpiceExpression(value) else { return nil }
                    parameters.append((name, expression))
                }
                continue
            }
            let tokens = lower.split(separator: " ").map(String.init)
            guard let name = tokens.first, let letter = name.first else { continue }
            func depends(_ token: String) -> Bool { token.contains("{") || token.contains("'") }
            switch letter {
            case ".":
                if depends(lower) { return nil }
            case "r", "c", "l":
                guard tokens.count >= 4, !tokens[4...].contains(where: depends) else { return nil }
                guard depends(tokens[3]) else { continue }
                guard let expression = SpiceExpression(tokens[3]) else { return nil }
                let key = letter == "r" ? "resistance" : letter == "c" ? "capacitance" : "inductance"
                targets.append("alter @\(name)[\(key)]")
                quantities.append(.element(expression))
            case "v", "i":
                guard tokens.count >= 4 else { return nil }
                let valueIndex = tokens[3] == "dc" ? 4 : 3
                // A value, not `ac`/`distof` or a waveform such as `pulse(...)`.
                guard valueIndex < tokens.count, !["ac", "distof1", "distof2"].contains(tokens[valueIndex]),
                      depends(tokens[valueIndex]) || !tokens[valueIndex].contains("(") else {
                    if depends(lower) { return nil }
                    continue
                }
                guard !tokens[(valueIndex + 1)...].contains(where: depends) else { return nil }
                guard depends(tokens[valueIndex]) else { continue }
                guard let expression = SpiceExpression(tokens[valueIndex]) else { return nil }
                targets.append("alter @\(name)[dc]")
                quantities.append(.element(expression))
            case "x":
                guard let split = ParamCards.split(line), let typeName = split.words.last,
                      library.subcircuits[typeName] != nil else {
                    if depends(lower) { return nil }
                    continue
                }
                if types[typeName] == nil {
                    guard let type = deviceType(library.subcircuits[typeName]!) else { return nil }
                    types[typeName] = type
                }
                let type = types[typeName]!
                let declared = Set(type.defaults.map(\.name))
                var overrides: [String: SpiceExpression] = [:]
                for (key, value) in split.assignments {
                    guard let expression = SpiceExpression(value) else { return nil }
                    if key == "m" {
                        // The multiplier is not a subcircuit parameter: it must stay as loaded.
                        guard expression.names.isEmpty else { return nil }
                        continue
                    }
                    guard declared.contains(key) else { return nil }
                    overrides[key] = expression
                }
                let index = fets.count
                fets.append(FET(type: typeName, overrides: overrides))
                let instance = "m.\(name).\(type.deviceName)"
                for (key, _) in type.deviceParameters {
                    targets.append("alter @\(instance)[\(key)]")
                    quantities.append(.device(fet: index, key: key))
                }
                for (key, _) in type.modelParameters {
                    targets.append("altermod @\(instance)[\(key)]")
                    quantities.append(.model(fet: index, key: key))
                }
            case "b", "e", "f", "g", "h":
                if reads(line) { return nil }
            default:
                if depends(lower) { return nil }
            }
        }
        guard targets.allSatisfy(Self.isSafeTarget) else { return nil }
        var globals: [String: [String: Double]] = [:]
        for (process, values) in processCorners {
            globals[process] = globalValues(library: library, process: process, corner: values)
        }
        return AlterPlan(targets: targets, covers: parameters.map(\.name), parameters: parameters,
                         quantities: quantities, fets: fets, types: types, globals: globals)
    }

    private init(targets: [String], covers: [String], parameters: [(name: String, expression: SpiceExpression)],
                 quantities: [Quantity], fets: [FET], types: [String: DeviceType], globals: [String: [String: Double]]) {
        self.targets = targets
        self.covers = covers
        self.parameters = parameters
        self.quantities = quantities
        self.fets = fets
        self.types = types
        self.globals = globals
    }

    /// Command prefixes the worker may run: `alter @` or `altermod @`, then a device name and a
    /// parameter in brackets, nothing else.
    public static func isSafeTarget(_ target: String) -> Bool {
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

    /// The values and bins of one design at one corner (`params`: every top-level parameter the
    /// request sets); nil when some value cannot be evaluated here or a device sits near a bin edge.
    public func design(params: [ParamValue], process: String) -> Design? {
        guard var scope = globals[process] else { return nil }
        var given: [String: Double] = [:]
        for p in params { given[p.name] = p.value }
        for (name, expression) in parameters {
            if let value = given[name] ?? expression.value(scope) { scope[name] = value } else { scope[name] = nil }
        }
        // Each FET's subcircuit parameters: the instance line's values, then the defaults in order.
        var locals: [[String: Double]] = []
        var bins: [Int] = []
        for fet in fets {
            let type = types[fet.type]!
            // The subcircuit's own parameters hide the global ones of the same name.
            var local: [String: Double] = [:]
            let lookup: (String) -> Double? = { local[$0] ?? scope[$0] }
            for (name, expression) in fet.overrides {
                guard let value = expression.value(scope) else { return nil }
                local[name] = value
            }
            for (name, expression) in type.defaults where fet.overrides[name] == nil {
                guard let value = expression.value(lookup) else { return nil }
                local[name] = value
            }
            var device: [String: Double] = [:]
            for (name, expression) in type.deviceParameters {
                guard let value = expression.value(lookup) else { return nil }
                device[name] = value
            }
            for (name, expression) in type.modelParameters {
                guard let value = expression.value(lookup) else { return nil }
                device["model." + name] = value
            }
            guard let l = device["l"], let w = device["w"], let bin = Self.bin(type.bins, l: l, w: w / (device["nf"] ?? 1)) else {
                return nil
            }
            bins.append(bin)
            locals.append(device)
        }
        var values: [Double] = []
        values.reserveCapacity(quantities.count)
        for quantity in quantities {
            switch quantity {
            case .element(let expression):
                guard let value = expression.value(scope) else { return nil }
                values.append(value)
            case .device(let fet, let key):
                values.append(locals[fet][key]!)
            case .model(let fet, let key):
                values.append(locals[fet]["model." + key]!)
            }
        }
        return Design(values: values, bins: bins)
    }

    /// The bin ngspice selects for drawn L and W per finger in microns (the library's `scale=1u`).
    /// Away from the edges exactly one bin contains them. Within 2 nm of an edge (plus a relative
    /// margin) ngspice's choice depends on its 1 nm tolerance, the order of the cards and the
    /// float comparisons of its own pruning: nil there, and when no bin fits.
    static func bin(_ bins: [BinnedModelLibrary.Bin], l: Double, w: Double) -> Int? {
        let lm = l * 1e-6, wm = w * 1e-6
        func near(_ x: Double, _ edge: Double) -> Bool { abs(x - edge) < 2e-9 + 1e-6 * abs(x) }
        for bin in bins where near(lm, bin.lmin) || near(lm, bin.lmax) || near(wm, bin.wmin) || near(wm, bin.wmax) {
            return nil
        }
        return bins.firstIndex { $0.lmin < lm && lm < $0.lmax && $0.wmin < wm && wm < $0.wmax }
    }

    /// Parameters, device line and model values of a library FET subcircuit; nil if not understood.
    private static func deviceType(_ subcircuit: BinnedModelLibrary.Subcircuit) -> DeviceType? {
        var lines: [String] = []
        for item in subcircuit.items { if case .line(let line) = item { lines.append(line) } }
        var defaults: [(name: String, expression: SpiceExpression)] = []
        var device: (name: String, parameters: [(name: String, expression: SpiceExpression)])?
        for line in ParamCards.logicalLines(lines) {
            let lower = line.lowercased()
            if lower.hasPrefix(".ends") { continue }
            guard let split = ParamCards.split(lower.hasPrefix(".param") ? String(line.dropFirst(".param".count)) : line) else { return nil }
            if lower.hasPrefix(".subckt") || lower.hasPrefix(".param") {
                guard lower.hasPrefix(".subckt") || split.words.isEmpty else { return nil }
                for (name, value) in split.assignments {
                    guard let expression = SpiceExpression(value) else { return nil }
                    defaults.append((name, expression))
                }
            } else if lower.hasPrefix("m"), device == nil, let name = split.words.first {
                var parameters: [(name: String, expression: SpiceExpression)] = []
                for (key, value) in split.assignments {
                    guard let expression = SpiceExpression(value) else { return nil }
                    parameters.append((key, expression))
                }
                device = (name, parameters)
            } else {
                return nil
            }
        }
        guard let device, device.parameters.contains(where: { $0.name == "l" }),
              device.parameters.contains(where: { $0.name == "w" }) else { return nil }
        // Model values that depend on the instance (SKY130: `rsh = {swx_nrds}`), the same in every bin.
        let local = Set(defaults.map(\.name))
        var model: [(name: String, expression: SpiceExpression)]?
        for bin in subcircuit.bins {
            var mine: [(name: String, expression: SpiceExpression)] = []
            for line in ParamCards.logicalLines(bin.lines) {
                guard let split = ParamCards.split(line) else { return nil }
                for (key, value) in split.assignments where value.hasPrefix("{") {
                    guard let expression = SpiceExpression(value) else { return nil }
                    if !expression.names.isDisjoint(with: local) { mine.append((key, expression)) }
                }
            }
            if let model {
                guard model.map(\.name) == mine.map(\.name) else { return nil }
            } else {
                model = mine
            }
        }
        return DeviceType(defaults: defaults, deviceName: device.name.lowercased(), deviceParameters: device.parameters,
                          modelParameters: model ?? [], bins: subcircuit.bins)
    }

    /// The library's global parameters at a process corner (the corner's own values win).
    private static func globalValues(library: BinnedModelLibrary, process: String, corner: [String: Double]) -> [String: Double] {
        let cornerFile = (try? String(contentsOfFile: library.directory + "/corner_\(process).spice", encoding: .utf8)) ?? ""
        let cards = (ParamCards.parameters(cornerFile.split(separator: "\n").map(String.init)) ?? [])
            + (ParamCards.parameters(library.globalLines) ?? [])
        var expressions: [String: SpiceExpression] = [:]
        var conflicting = Set<String>()
        for (name, value) in cards {
            guard let expression = SpiceExpression(value) else { conflicting.insert(name); continue }
            if let earlier = expressions[name], earlier.root != expression.root { conflicting.insert(name) }
            expressions[name] = expression
        }
        var values = corner
        // numparam orders parameters by dependency; resolve until nothing changes.
        var changed = true
        while changed {
            changed = false
            for (name, expression) in expressions where values[name] == nil && !conflicting.contains(name) {
                if let value = expression.value(values) {
                    values[name] = value
                    changed = true
                }
            }
        }
        return values
    }
}
