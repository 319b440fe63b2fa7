import Circuits
import SimulationWire
import SizerCore

/// The result of one design at one corner.
public struct CornerEvaluation: Codable, Sendable {
    public var corner: String
    public var outcome: EvalOutcome
    public var metrics: Metrics
    public var sanityViolations: [String]
    public var errors: [String]
    public var seconds: Double
    /// Of `seconds`: putting the design into the simulator, and running the analyses.
    public var prepareSeconds: Double
    public var analysisSeconds: Double
    /// How the worker put the design in (`load`, `reset` or `alter`).
    public var preparation: PointResult.Preparation?
}

/// The result of one design: typed outcome, worst-case metrics over its corners, per-spec
/// verdicts and the reward.
public struct DesignEvaluation: Codable, Sendable {
    public var outcome: EvalOutcome
    public var reward: Double
    /// Worst case over the corners for every metric a spec names; the first corner's value otherwise.
    public var metrics: Metrics
    public var specs: [SpecResult]
    public var meetsAllSpecs: Bool
    public var sane: Bool
    public var sanityViolations: [String]
    /// Why the design was invalid or the simulation failed.
    public var message: String?
    public var corners: [CornerEvaluation]
    /// Physical values of the design variables.
    public var design: [String: Double]
    public var simSeconds: Double
    public var worker: Int?
}

/// Turns per-corner worker results into one evaluation.
enum EvaluationAssembler {
    static func invalid(_ design: [String: Double], reason: String, targets: [SpecTarget]) -> DesignEvaluation {
        DesignEvaluation(outcome: .invalid, reward: Reward.invalidFloor, metrics: [:],
                         specs: targets.map { SpecResult(spec: $0, value: nil) }, meetsAllSpecs: false, sane: false,
                         sanityViolations: [], message: reason, corners: [], design: design, simSeconds: 0, worker: nil)
    }

    static func unfinished(_ design: [String: Double], outcome: EvalOutcome, message: String, targets: [SpecTarget],
                           worker: Int?) -> DesignEvaluation {
        DesignEvaluation(outcome: outcome, reward: Reward.failureFloor, metrics: [:],
                         specs: targets.map { SpecResult(spec: $0, value: nil) }, meetsAllSpecs: false, sane: false,
                         sanityViolations: [], message: message, corners: [], design: design, simSeconds: 0, worker: worker)
    }

    static func assemble(_ design: [String: Double], circuit: Circuit, corners: [Corner], response: SimulationResponse,
                         targets: [SpecTarget], worker: Int) -> DesignEvaluation {
        var cornerResults: [CornerEvaluation] = []
        for (corner, point) in zip(corners, response.points) {
            let sanity = point.status == .ok ? circuit.sanityViolations(operatingPoint: point.operatingPoint) : []
            cornerResults.append(CornerEvaluation(corner: corner.description, outcome: point.status == .ok ? .ok : .failed,
                                                  metrics: point.metrics, sanityViolations: sanity,
                                                  errors: point.errors, seconds: point.seconds,
                                                  prepareSeconds: point.prepareSeconds, analysisSeconds: point.analysisSeconds,
                                                  preparation: point.preparation))
        }
        let seconds = cornerResults.reduce(0) { $0 + $1.seconds }
        if let failed = cornerResults.first(where: { $0.outcome != .ok }) {
            var result = unfinished(design, outcome: .failed,
                                    message: "simulation failed at \(failed.corner): " + (failed.errors.first ?? "unknown error"),
                                    targets: targets, worker: worker)
            result.corners = cornerResults
            result.simSeconds = seconds
            return result
        }
        guard cornerResults.count == corners.count, !corners.isEmpty else {
            return unfinished(design, outcome: .failed, message: "worker returned \(cornerResults.count) of \(corners.count) corners",
                              targets: targets, worker: worker)
        }
        let metrics = worstCase(cornerResults.map(\.metrics), targets: targets)
        let violations = cornerResults.flatMap { c in c.sanityViolations.map { "\(c.corner): \($0)" } }
        let sane = violations.isEmpty
        let specResults = targets.map { SpecResult(spec: $0, value: metrics[$0.metric] ?? nil) }
        let reward = Reward.of(outcome: .ok, sane: sane, metrics: metrics, specs: targets,
                               figureOfMerit: circuit.spec.figureOfMerit)
        return DesignEvaluation(outcome: .ok, reward: reward, metrics: metrics, specs: specResults,
                                meetsAllSpecs: sane && specResults.allSatisfy(\.met), sane: sane,
                                sanityViolations: violations, message: nil, corners: cornerResults, design: design,
                                simSeconds: seconds, worker: worker)
    }

    /// Per metric: the worst value over corners for the side its spec bounds; unmet anywhere is unmet.
    static func worstCase(_ perCorner: [Metrics], targets: [SpecTarget]) -> Metrics {
        guard var result = perCorner.first else { return [:] }
        guard perCorner.count > 1 else { return result }
        for name in Set(perCorner.flatMap(\.keys)) {
            let values = perCorner.map { $0[name] ?? nil }
            guard let bound = targets.first(where: { $0.metric == name })?.bound else { continue }
            if values.contains(where: { $0 == nil }) {
                result[name] = .some(nil)
                continue
            }
            let present = values.compactMap { $0 }
            result[name] = bound == .lower ? present.min() : present.max()
        }
        return result
    }
}
