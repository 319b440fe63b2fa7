import Circuits
import Foundation
import SimulationWire
import SizerCore
import SpiceEngine
import WorkerPool

/// Serves simulation requests with one loaded deck: a design is put in by `alter` when the
/// request's alter plan allows it (see `AlterPlan`), by `alterparam` + `reset` otherwise; the deck
/// is parsed again only when a request brings a different one.
final class SimulationSession {
    private let simulator: NgspiceSimulator
    private var loadedKey: String?
    /// Parameter values numparam holds (loaded or sent by `alterparam`); a `reset` builds the
    /// circuit from these, so only changes are sent.
    private var applied: [String: Double] = [:]
    /// The alter-plan values and bins the circuit's devices hold, when known: after a load or
    /// `reset` they are the point's, after `alter` the ones sent.
    private var devices: AlterDesign?
    private(set) var served = 0

    init(simulator: NgspiceSimulator, fuseOperatingPoint: Bool) {
        self.simulator = simulator
        self.fuseOperatingPoint = fuseOperatingPoint
    }

    var isPoisoned: Bool { simulator.isPoisoned }

    /// Off: a separate `op` before `ac`, as before (`sizerd worker` reads `SIZER_FUSED_OP=0`).
    private let fuseOperatingPoint: Bool

    func handle(_ request: SimulationRequest) -> SimulationResponse {
        served += 1
        // Points of one process corner in a row: between them only temperature and supply change,
        // which `alter` can carry; a change of process needs `reset`. Results keep the request's order.
        var processes: [String] = []
        for point in request.points where !processes.contains(point.corner.process) { processes.append(point.corner.process) }
        let order = request.points.indices.sorted {
            (processes.firstIndex(of: request.points[$0].corner.process)!, $0)
                < (processes.firstIndex(of: request.points[$1].corner.process)!, $1)
        }
        var results = [PointResult?](repeating: nil, count: request.points.count)
        for index in order { results[index] = evaluate(request.points[index], request) }
        return SimulationResponse(points: results.map { $0! }, rssBytes: residentSetBytes(), served: served)
    }

    private func evaluate(_ point: SimulationPoint, _ request: SimulationRequest) -> PointResult {
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        defer { simulator.releaseResults() }
        var prepared = 0.0
        var preparation: PointResult.Preparation?
        do {
            preparation = try prepare(point, request)
            try simulator.run("option temp=\(SpiceNumber.format(point.corner.temperatureC))")
            let plan = AnalysisPlan(request.analyses, fuseOperatingPoint: fuseOperatingPoint)
            if plan.operatingPointFrom != nil { try simulator.run("option keepopinfo") }
            prepared = elapsed()
            var waves = Waveforms()
            for (index, analysis) in plan.analyses.enumerated() {
                try run(analysis, request, keepsOperatingPoint: index == plan.operatingPointFrom, into: &waves)
            }
            let analyzed = elapsed() - prepared
            let metrics = Measurements.evaluate(request.measurements, on: waves,
                                                context: .init(supplyV: point.corner.supplyV))
            var op: [String: Double] = [:]
            for probe in request.opProbes { op[probe] = waves[.op, probe]?.real.first }
            var result = PointResult(status: .ok, metrics: metrics, operatingPoint: op, seconds: elapsed(),
                                     prepareSeconds: prepared, analysisSeconds: analyzed)
            result.preparation = preparation
            return result
        } catch {
            var result = PointResult(status: .failed, errors: [error.message] + error.stderrTail, seconds: elapsed())
            result.preparation = preparation
            return result
        }
    }

    /// Puts the simulator into the requested design and corner.
    private func prepare(_ point: SimulationPoint, _ request: SimulationRequest) throws(SpiceError) -> PointResult.Preparation {
        if let key = point.deckKey, !request.freshLoad { return try prepareExpanded(point, key: key, request) }
        if request.freshLoad {
            guard let deck = point.deck else { throw SpiceError(kind: .deckRejected, message: "fresh load without a deck") }
            try load(deck, key: nil)
            return .load
        }
        var justLoaded = false
        if loadedKey != request.deckKey {
            try load(request.deck, key: request.deckKey)
            for param in request.deckParams ?? [] { applied[param.name] = param.value }
            justLoaded = true
        }
        let changes = point.params.filter { applied[$0.name] != $0.value }
        // A deck loaded with exactly this point's values is the fresh-load path itself: no reset.
        if justLoaded && changes.isEmpty && request.deckParams != nil {
            devices = point.alter
            return .load
        }
        // (`SIZER_ALTER_PATH=0` in the parent sends no alter values, and so turns this off.)
        // A failed alter leaves the devices unknown: the reset below builds every one of them again.
        if let target = point.alter, let current = devices, changes.allSatisfy({ request.alterCovers.contains($0.name) }),
           alter(from: current, to: target, request) {
            return .alter
        }
        for param in changes {
            guard SpiceNumber.isSafeName(param.name), param.value.isFinite else {
                throw SpiceError(kind: .deckRejected, message: "refusing parameter \(param.name)=\(param.value)")
            }
            applied[param.name] = nil
            try simulator.run("alterparam \(param.name)=\(SpiceNumber.format(param.value))", failure: .deckRejected)
            applied[param.name] = param.value
        }
        devices = nil
        do {
            try simulator.run("reset", failure: .deckRejected)
        } catch {
            // The deck may be half-expanded; start from a fresh load next time.
            loadedKey = nil
            throw error
        }
        devices = point.alter
        return justLoaded ? .load : .reset
    }

    /// An expanded deck holds the values of the first point with its key: the point is put in by
    /// `alter` when that deck is loaded, by loading it (and `alter` from its values) otherwise.
    private func prepareExpanded(_ point: SimulationPoint, key: String,
                                 _ request: SimulationRequest) throws(SpiceError) -> PointResult.Preparation {
        if loadedKey == key, let current = devices, let target = point.alter, alter(from: current, to: target, request) {
            return .alter
        }
        let owner = request.points.first { $0.deckKey == key && ($0.deck != nil || key == request.deckKey) }
        guard let owner, let deck = key == request.deckKey ? request.deck : owner.deck else {
            throw SpiceError(kind: .deckRejected, message: "no deck in the request for key \(key)")
        }
        try load(deck, key: key)
        devices = owner.alter
        guard owner.alter != point.alter else { return .load }
        guard let current = devices, let target = point.alter, alter(from: current, to: target, request) else {
            loadedKey = nil
            throw SpiceError(kind: .deckRejected, message: "cannot put the point into the deck of key \(key)")
        }
        return .load
    }

    /// Loads a deck, forgetting first what the simulator held, so that a failed load leaves no
    /// stale key, parameters or devices behind.
    private func load(_ deck: [String], key: String?) throws(SpiceError) {
        loadedKey = nil
        applied = [:]
        devices = nil
        try simulator.load(deck: deck)
        loadedKey = key
    }

    /// Sets the values that differ between two designs with the same bins; false (and the devices
    /// unknown) when the designs do not fit the plan or a command fails.
    private func alter(from current: AlterDesign, to target: AlterDesign,
                       _ request: SimulationRequest) -> Bool {
        guard current.bins == target.bins, target.values.count == request.alterTargets.count,
              current.values.count == target.values.count else { return false }
        devices = nil
        do {
            for (index, value) in target.values.enumerated() where value.bitPattern != current.values[index].bitPattern {
                try simulator.run("\(request.alterTargets[index]) = [ \(SpiceNumber.numparamText(value)) ]",
                                  failure: .deckRejected)
            }
        } catch {
            return false
        }
        devices = target
        return true
    }

    /// Runs one analysis and copies the vectors the request needs; `keepsOperatingPoint` (an `ac`
    /// run with `keepopinfo`) also copies the op vectors from the plot it keeps.
    private func run(_ analysis: AnalysisSpec, _ request: SimulationRequest, keepsOperatingPoint: Bool,
                     into waves: inout Waveforms) throws(SpiceError) {
        guard let command = AnalysisCommand.text(analysis) else {
            throw SpiceError(kind: .analysisFailed, message: "invalid \(analysis.type.rawValue) analysis")
        }
        let before = simulator.currentPlot
        let plotsBefore = keepsOperatingPoint ? Set(simulator.plotNames) : []
        try simulator.run(command)
        let plot = simulator.currentPlot
        // A failed analysis may leave the previous plot current: never read stale vectors.
        guard plot != before, plot.hasPrefix(analysis.type.rawValue) else {
            throw SpiceError(kind: .missingResult, message: "'\(command)' produced no new plot (current: '\(plot)')",
                             stderrTail: Array(simulator.lastOutput.suffix(4)))
        }
        try copyVectors(of: analysis.type, from: plot, request, into: &waves)
        if keepsOperatingPoint {
            // With `keepopinfo` the AC analysis saves the operating point it solved as a new op plot.
            guard let opPlot = simulator.plotNames.first(where: { $0.hasPrefix("op") && !plotsBefore.contains($0) }) else {
                throw SpiceError(kind: .missingResult, message: "'\(command)' kept no operating-point plot",
                                 stderrTail: Array(simulator.lastOutput.suffix(4)))
            }
            try copyVectors(of: .op, from: opPlot, request, into: &waves)
        }
    }

    private func copyVectors(of type: AnalysisSpec.Kind, from plot: String, _ request: SimulationRequest,
                             into waves: inout Waveforms) throws(SpiceError) {
        var names = request.measurements.filter { $0.kind.analysis == type }.flatMap { m -> [String] in
            m.kind == .opPowerW ? ["\(m.source ?? "")#branch"] : [m.node ?? ""]
        }
        if type == .op { names += request.opProbes }
        for name in Set(names) {
            waves[type, name] = try copy(name, plot: plot)
        }
        if let scale = Waveforms.scaleName(type) {
            let source = type == .dc
                ? simulator.vectorNames(plot: plot).first { $0.hasSuffix("sweep") } ?? "v-sweep"
                : scale
            waves[type, scale] = try copy(source, plot: plot)
        }
    }

    private func copy(_ name: String, plot: String) throws(SpiceError) -> Waveforms.Vector {
        guard let vector = simulator.vector("\(plot).\(name.lowercased())"), vector.count > 0 else {
            throw SpiceError(kind: .missingResult, message: "vector '\(name)' is missing or empty in plot \(plot)")
        }
        guard vector.allFinite else {
            throw SpiceError(kind: .missingResult, message: "vector '\(name)' has non-finite values in plot \(plot)")
        }
        return Waveforms.Vector(real: vector.real, imaginary: vector.imaginary)
    }
}

/// The analyses a worker runs for a request. An `ac` analysis solves the same operating point as
/// `op` (the same first solve after `reset`), so when both are asked for the `op` is not run again:
/// the AC analysis keeps its operating point (`option keepopinfo`) and the op vectors are read from
/// there. Fresh loads and the fast path share this plan, so both still compare like for like.
struct AnalysisPlan {
    let analyses: [AnalysisSpec]
    /// The index in `analyses` of the `ac` analysis whose operating point stands for `op`.
    let operatingPointFrom: Int?

    init(_ requested: [AnalysisSpec], fuseOperatingPoint: Bool) {
        let withoutOp = requested.filter { $0.type != .op }
        let firstAC = withoutOp.firstIndex { $0.type == .ac }
        if fuseOperatingPoint, requested.contains(where: { $0.type == .op }), let firstAC {
            analyses = withoutOp
            operatingPointFrom = firstAC
        } else {
            analyses = requested
            operatingPointFrom = nil
        }
    }
}
