import Circuits
import Foundation
import SizerCore
import SizerProtocol

// Circuits: the cached circuit models, their description and target splits, and the task an agent sees.
extension SizingService {
    // MARK: Circuits

    func circuit(named name: String) throws(RPCError) -> Circuit {
        if let circuit = circuits[name] { return circuit }
        guard !name.contains("/"), !name.hasSuffix(".json"), !name.isEmpty else {
            throw RPCError(.invalidParams, "params.circuit must be the name of a circuit (see circuits.list), not a path")
        }
        guard catalog.specFiles().contains(where: { $0.name == name }) else {
            let known = catalog.specFiles().map(\.name).joined(separator: ", ")
            throw RPCError(.notFound, "unknown circuit '\(name)' (known: \(known))")
        }
        do {
            let circuit = try catalog.circuit(named: name)
            circuits[name] = circuit
            return circuit
        } catch {
            throw RPCError(.internalError, "circuit '\(name)' cannot be loaded: \(error)")
        }
    }

    func listCircuits() -> CircuitsList.Result {
        var entries: [CircuitsList.Entry] = []
        for file in catalog.specFiles() {
            guard let circuit = try? circuit(named: file.name) else { continue }
            entries.append(CircuitsList.Entry(name: circuit.name, description: circuit.spec.description,
                                              models: circuit.spec.models, variables: circuit.space.dimension,
                                              specs: circuit.spec.specs.map(\.metric), builtIn: file.builtIn))
        }
        return CircuitsList.Result(circuits: entries)
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
