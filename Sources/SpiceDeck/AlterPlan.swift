import Circuits
import Foundation
import SimulationWire

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

    /// The per-design values, in the form the worker wire carries them.
    public typealias Design = AlterDesign

    private enum Quantity: Sendable {
        /// A top-level expression (a passive's value, a source's DC value).
        case element(SpiceExpression)
        /// Parameter `index` of FET `fet`'s device line (or of its model card).
        case device(fet: Int, key: String)
        case model(fet: Int, key: String)
    }

    /// A library FET subcircuit: its parameters, device line and instance-dependent model values.
    struct DeviceType: Sendable {
        var defaults: [(name: String, expression: SpiceExpression)]
        var deviceName: String
        var deviceParameters: [(name: String, expression: SpiceExpression)]
        var modelParameters: [(name: String, expression: SpiceExpression)]
        var bins: [BinnedModelLibrary.Bin]
        /// The device line's nodes as positions among the subcircuit's ports, and its model name
        /// (the bins are `<model>.<n>`).
        var devicePorts: [Int]
        var portCount: Int
        var modelName: String
        /// Each bin's card: `.model` name and type, then its assignments in order.
        var cards: [ExpandedDeck.Card]
    }

    struct FET: Sendable {
        var type: String
        var overrides: [String: SpiceExpression]
        /// Instance name (lower case), the nodes its ports connect to, and its multiplier `m`
        /// when the instance line sets one.
        var name: String
        var nodes: [String]
        var multiplier: Double?
        /// Index of its first device quantity; its model quantities follow them.
        var firstQuantity: Int
    }

    let parameters: [(name: String, expression: SpiceExpression)]
    private let quantities: [Quantity]
    let fets: [FET]
    let types: [String: DeviceType]
    private let globals: [String: [String: Double]]
    /// The template's logical lines as an expanded deck writes them.
    let lines: [ExpandedDeck.Line]
    /// The library's cards outside its subcircuits other than `.param` (`.option scale=1u`).
    let libraryOptions: [String]
    /// Per process corner, each FET type's bin cards with everything but the instance's own values written.
    let expandedCards: [String: [String: [ExpandedDeck.ResolvedCard?]]]

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
        var planned: [ExpandedDeck.Line] = []
        for line in lines {
            let lower = line.lowercased()
            if lower.hasPrefix(".subckt") { return nil }
            if lower.hasPrefix(".param") {
                guard let assignments = ParamCards.parameters([line]) else { return nil }
                for (name, value) in assignments {
                    guard let expression = SpiceExpression(value) else { return nil }
                    parameters.append((name, expression))
                }
                planned.append(.parameter)
                continue
            }
            let tokens = lower.split(separator: " ").map(String.init)
            guard let name = tokens.first, let letter = name.first else { continue }
            func depends(_ token: String) -> Bool { token.contains("{") || token.contains("'") }
            // Lines without expressions reach the parser as they are.
            planned.append(.verbatim(tokens.joined(separator: " ")))
            switch letter {
            case ".":
                if depends(lower) { return nil }
            case "r", "c", "l":
                guard tokens.count >= 4, !tokens[4...].contains(where: depends) else { return nil }
                guard depends(tokens[3]) else { continue }
                guard let expression = SpiceExpression(tokens[3]) else { return nil }
                let key = letter == "r" ? "resistance" : letter == "c" ? "capacitance" : "inductance"
                planned[planned.count - 1] = .element(tokens: tokens, valueIndex: 3, quantity: quantities.count)
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
                planned[planned.count - 1] = .element(tokens: tokens, valueIndex: valueIndex, quantity: quantities.count)
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
                var multiplier: Double?
                for (key, value) in split.assignments {
                    guard let expression = SpiceExpression(value) else { return nil }
                    if key == "m" {
                        // The multiplier is not a subcircuit parameter: it must stay as loaded.
                        guard expression.names.isEmpty, let m = expression.value([:]) else { return nil }
                        multiplier = m
                        continue
                    }
                    guard declared.contains(key) else { return nil }
                    overrides[key] = expression
                }
                // Words: instance name, one node per port, the subcircuit's name.
                let ports = split.words.dropFirst().dropLast()
                guard ports.count == type.portCount else { return nil }
                let index = fets.count
                planned[planned.count - 1] = .fet(index)
                fets.append(FET(type: typeName, overrides: overrides, name: name, nodes: Array(ports),
                                multiplier: multiplier, firstQuantity: quantities.count))
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
        guard targets.allSatisfy(WorkerWire.isSafeAlterTarget) else { return nil }
        var globals: [String: [String: Double]] = [:]
        var expandedCards: [String: [String: [ExpandedDeck.ResolvedCard?]]] = [:]
        for (process, values) in processCorners {
            let scope = globalValues(library: library, process: process, corner: values)
            globals[process] = scope
            // Card expressions read the library's parameters; a template that redefines one of
            // them would change them, so such a template gets no expanded decks.
            guard Set(scope.keys).isDisjoint(with: parameters.map(\.name)) else { continue }
            expandedCards[process] = types.mapValues { type in type.cards.map { $0.resolved(scope) } }
        }
        let options = ParamCards.logicalLines(library.globalLines).filter { !$0.lowercased().hasPrefix(".param") }
        return AlterPlan(targets: targets, covers: parameters.map(\.name), parameters: parameters,
                         quantities: quantities, fets: fets, types: types, globals: globals, lines: planned,
                         libraryOptions: options, expandedCards: expandedCards)
    }

    private init(targets: [String], covers: [String], parameters: [(name: String, expression: SpiceExpression)],
                 quantities: [Quantity], fets: [FET], types: [String: DeviceType], globals: [String: [String: Double]],
                 lines: [ExpandedDeck.Line], libraryOptions: [String],
                 expandedCards: [String: [String: [ExpandedDeck.ResolvedCard?]]]) {
        self.targets = targets
        self.covers = covers
        self.parameters = parameters
        self.quantities = quantities
        self.fets = fets
        self.types = types
        self.globals = globals
        self.lines = lines
        self.libraryOptions = libraryOptions
        self.expandedCards = expandedCards
    }

    /// The values and bins of one design at one corner (`params`: every top-level parameter the
    /// request sets); nil when some value cannot be evaluated here or a device sits near a bin edge.
    public func design(params: [ParamValue], process: String) -> Design? {
        guard let evaluation = evaluate(params: params, process: process) else { return nil }
        let bins = evaluation.bins.compactMap { $0 }
        guard bins.count == fets.count else { return nil }
        return Design(values: evaluation.values, bins: bins)
    }

    /// Every quantity's value for one design at one corner, and per FET its drawn size and the bin
    /// ngspice picks (nil within 2 nm of a bin edge).
    struct Evaluation {
        var values: [Double]
        var bins: [Int?]
        var sizes: [BinnedModelLibrary.Device]
    }

    /// nil when some value cannot be evaluated here.
    func evaluate(params: [ParamValue], process: String) -> Evaluation? {
        guard let library = globals[process] else { return nil }
        var given: [String: Double] = [:]
        for p in params { given[p.name] = p.value }
        // The template's parameters over the library's (hundreds: not copied per design); one
        // that cannot be evaluated hides the library's of the same name.
        var top: [String: Double?] = [:]
        let scope: (String) -> Double? = { name in
            if let entry = top[name] { return entry }
            return library[name]
        }
        for (name, expression) in parameters {
            top[name] = .some(given[name] ?? expression.value(scope))
        }
        // Each FET's subcircuit parameters: the instance line's values, then the defaults in order.
        var locals: [[String: Double]] = []
        var bins: [Int?] = [], sizes: [BinnedModelLibrary.Device] = []
        for fet in fets {
            let type = types[fet.type]!
            // The subcircuit's own parameters hide the global ones of the same name.
            var local: [String: Double] = [:]
            let lookup: (String) -> Double? = { local[$0] ?? scope($0) }
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
            guard let l = device["l"], let w = device["w"] else { return nil }
            bins.append(Self.bin(type.bins, l: l, w: w / (device["nf"] ?? 1)))
            sizes.append(BinnedModelLibrary.Device(subcircuit: fet.type, lengthUm: l, widthUm: w, fingers: device["nf"] ?? 1))
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
        return Evaluation(values: values, bins: bins, sizes: sizes)
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
        var ports: [String] = []
        var device: (name: String, words: [String], parameters: [(name: String, expression: SpiceExpression)])?
        for line in ParamCards.logicalLines(lines) {
            let lower = line.lowercased()
            if lower.hasPrefix(".ends") { continue }
            guard let split = ParamCards.split(lower.hasPrefix(".param") ? String(line.dropFirst(".param".count)) : line) else { return nil }
            if lower.hasPrefix(".subckt") || lower.hasPrefix(".param") {
                guard lower.hasPrefix(".subckt") || split.words.isEmpty else { return nil }
                if lower.hasPrefix(".subckt") { ports = Array(split.words.dropFirst(2)) }
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
                device = (name, split.words, parameters)
            } else {
                return nil
            }
        }
        guard let device, device.parameters.contains(where: { $0.name == "l" }),
              device.parameters.contains(where: { $0.name == "w" }) else { return nil }
        // The device line connects ports only (no internal nodes), names one binned model, and sets
        // no multiplier of its own (ngspice would multiply it with the instance's).
        let devicePorts = device.words.dropFirst().dropLast().compactMap { ports.firstIndex(of: $0) }
        guard let modelName = device.words.last, device.words.count >= 3, devicePorts.count == device.words.count - 2,
              !device.parameters.contains(where: { $0.name == "m" }) else { return nil }
        // Model values that depend on the instance (SKY130: `rsh = {swx_nrds}`), the same in every bin.
        let local = Set(defaults.map(\.name))
        var model: [(name: String, expression: SpiceExpression)]?
        var cards: [ExpandedDeck.Card] = []
        for bin in subcircuit.bins {
            var mine: [(name: String, expression: SpiceExpression)] = []
            let card = ParamCards.logicalLines(bin.lines)
            guard card.count == 1, let split = ParamCards.split(card[0]), split.words.count == 3,
                  split.words[0] == ".model", split.words[1].hasPrefix(modelName + ".") else { return nil }
            var pieces: [ExpandedDeck.Card.Value] = []
            for (key, value) in split.assignments {
                guard value.hasPrefix("{") || value.hasPrefix("'") else {
                    pieces.append(.text(value))
                    continue
                }
                guard let expression = SpiceExpression(value) else { return nil }
                if expression.names.isDisjoint(with: local) {
                    pieces.append(.global(expression))
                } else {
                    pieces.append(.local(mine.count))
                    mine.append((key, expression))
                }
            }
            cards.append(ExpandedDeck.Card(name: split.words[1], kind: split.words[2],
                                           assignments: zip(split.assignments.map(\.name), pieces).map { ($0, $1) }))
            if let model {
                guard model.map(\.name) == mine.map(\.name) else { return nil }
            } else {
                model = mine
            }
        }
        return DeviceType(defaults: defaults, deviceName: device.name.lowercased(), deviceParameters: device.parameters,
                          modelParameters: model ?? [], bins: subcircuit.bins, devicePorts: devicePorts,
                          portCount: ports.count, modelName: modelName, cards: cards)
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
