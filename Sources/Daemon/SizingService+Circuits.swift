import Circuits
import Foundation
import SizerCore
import SizerProtocol
import Store

// Circuits: the cached circuit models, their description and target splits, and the task an agent sees.
extension SizingService {
    // MARK: Circuits

    /// A circuit by name: the spec folders' first, then those registered over the socket.
    func circuit(named name: String) throws(RPCError) -> Circuit {
        if let circuit = circuits[name] { return circuit }
        guard !name.contains("/"), !name.hasSuffix(".json"), !name.isEmpty else {
            throw RPCError(.invalidParams, "params.circuit must be the name of a circuit (see circuits.list), not a path")
        }
        if catalog.specFiles().contains(where: { $0.name == name }) {
            do {
                let circuit = try catalog.circuit(named: name)
                circuits[name] = circuit
                return circuit
            } catch {
                throw RPCError(.internalError, "circuit '\(name)' cannot be loaded: \(error)")
            }
        }
        guard let registered = try storeCall({ try store.registeredCircuit(named: name) }) else {
            let known = catalog.specFiles().map(\.name).joined(separator: ", ")
            throw RPCError(.notFound, "unknown circuit '\(name)' (known: \(known), and those registered: see circuits.list)")
        }
        do {
            let circuit = try Circuit.load(specText: registered.specJSON, netlistText: registered.netlist,
                                           origin: "registered circuit '\(name)'", paths: configuration.paths)
            circuits[name] = circuit
            return circuit
        } catch {
            throw RPCError(.internalError, "registered circuit '\(name)' cannot be loaded: \(error)")
        }
    }

    func listCircuits() -> CircuitsList.Result {
        var entries: [CircuitsList.Entry] = []
        let registered = ((try? store.registeredCircuits()) ?? []).map { ($0.name, false) }
        for (name, builtIn) in catalog.specFiles().map({ ($0.name, $0.builtIn) }) + registered {
            guard let circuit = try? circuit(named: name) else { continue }
            entries.append(CircuitsList.Entry(name: circuit.name, description: circuit.spec.description,
                                              models: circuit.spec.models, variables: circuit.space.dimension,
                                              specs: circuit.spec.specs.map(\.metric), builtIn: builtIn))
        }
        return CircuitsList.Result(circuits: entries)
    }

    /// Checks a circuit sent inline exactly as a spec file, and keeps it in the run log.
    func register(_ params: CircuitsRegister.Params, session: ConnectionSession) async throws(RPCError) -> CircuitsRegister.Result {
        try refuseWhenShuttingDown()
        guard case .object(var object) = params.spec else {
            throw RPCError(.invalidParams, "params.spec must be an object: a spec file's JSON")
        }
        // The netlist comes inline: a spec written for it need not name a file.
        if object["netlist"] == nil { object["netlist"] = .string("inline") }
        guard params.netlist.utf8.count <= CircuitsRegister.maxNetlistBytes else {
            throw RPCError(.invalidParams, "params.netlist is larger than \(CircuitsRegister.maxNetlistBytes >> 10) KiB")
        }
        // One text per spec however the client spaced or ordered it: keys sorted, no blanks.
        let specText: String
        do {
            specText = String(decoding: try SizerJSON.encoder().encode(JSONValue.object(object)), as: UTF8.self)
        } catch {
            throw RPCError(.invalidParams, "params.spec cannot be written as JSON: \(error)")
        }
        guard specText.utf8.count <= CircuitsRegister.maxSpecBytes else {
            throw RPCError(.invalidParams, "params.spec is larger than \(CircuitsRegister.maxSpecBytes >> 10) KiB")
        }
        let circuit: Circuit
        do {
            circuit = try Circuit.load(specText: specText, netlistText: params.netlist, origin: "params.spec",
                                       netlistOrigin: "params.netlist", paths: configuration.paths)
        } catch {
            throw RPCError(.invalidParams, "\(error)")
        }
        guard !catalog.specFiles().contains(where: { $0.name == circuit.name }) else {
            throw RPCError(.conflict, "'\(circuit.name)' is the name of a circuit sizerd serves from its spec folders; register under another name")
        }
        guard await session.registrations < CircuitsRegister.maxPerConnection else {
            throw RPCError(.overloaded, "this connection has registered \(CircuitsRegister.maxPerConnection) circuits, the most one connection may")
        }
        let created = try storeCall {
            try store.register(RegisteredCircuit(name: circuit.name, specHash: circuit.contentHash, specJSON: specText,
                                                 netlist: params.netlist),
                               limit: CircuitsRegister.maxRegistered)
        }
        if created {
            await session.countRegistration()
            circuits[circuit.name] = circuit
            logger.info("circuit registered", metadata: ["circuit": "\(circuit.name)", "hash": "\(circuit.contentHash)"])
        }
        return CircuitsRegister.Result(name: circuit.name, specHash: circuit.contentHash, created: created)
    }

    func describe(_ params: CircuitsDescribe.Params) throws(RPCError) -> CircuitsDescribe.Result {
        let circuit = try circuit(named: params.circuit)
        let splits = TargetSplits(spec: circuit.spec)
        let corners = (try? circuit.corners("all")) ?? [circuit.nominalCorner]
        return CircuitsDescribe.Result(
            name: circuit.name, description: circuit.spec.description, models: circuit.spec.models,
            variables: Self.variables(circuit), specs: Self.specs(circuit), figureOfMerit: circuit.spec.figureOfMerit,
            corners: corners.map(\.description), nominalCorner: circuit.nominalCorner.description,
            trainTargets: splits.train.count, testTargets: splits.test.count, specHash: circuit.contentHash)
    }

    static func variables(_ circuit: Circuit) -> [VariableInfo] {
        circuit.space.variables.map {
            VariableInfo(name: $0.name, unit: $0.unit, kind: VariableKind(name: $0.name, unit: $0.unit),
                         min: $0.min, max: $0.max, scale: $0.scale.rawValue, nominal: $0.nominal)
        }
    }

    static func specs(_ circuit: Circuit) -> [SpecInfo] {
        circuit.spec.specs.map {
            SpecInfo(metric: $0.metric, bound: $0.bound, target: $0.target, weight: $0.weight ?? 1, range: $0.range)
        }
    }

    func targets(_ params: CircuitsTargets.Params) throws(RPCError) -> CircuitsTargets.Result {
        let circuit = try circuit(named: params.circuit)
        let splits = TargetSplits(spec: circuit.spec)
        let chosen: [[SpecTarget]]
        switch params.split {
        case "train": chosen = splits.train
        case "test": chosen = splits.test
        default: throw RPCError(.invalidParams, "params.split must be train or test, not '\(params.split)'")
        }
        return CircuitsTargets.Result(targets: chosen, positions: chosen.map { Self.positions(circuit, targets: $0) })
    }

    static func positions(_ circuit: Circuit, targets: [SpecTarget]) -> [Double] {
        let specs = specs(circuit)
        return targets.map { target -> Double in
            guard let range = specs.first(where: { $0.metric == target.metric })?.range, range.count == 2,
                  range[1] > range[0] else { return 0.5 }
            let (low, high) = (range[0], range[1])
            let position = low > 0 && high / low > 10
                ? (log(target.target) - log(low)) / (log(high) - log(low))
                : (target.target - low) / (high - low)
            return position.isFinite ? min(1, max(0, position)) : 0.5
        }
    }

    static func task(_ circuit: Circuit, targets: [SpecTarget]) -> AgentTask {
        let specs = specs(circuit)
        let positions = positions(circuit, targets: targets)
        let targetSpecs = targets.map { target in
            SpecInfo(metric: target.metric, bound: target.bound, target: target.target, weight: target.weight,
                     range: specs.first(where: { $0.metric == target.metric })?.range)
        }
        return AgentTask(circuit: circuit.name, variables: variables(circuit), specs: targetSpecs,
                         targetPositions: positions, specHash: circuit.contentHash)
    }
}
