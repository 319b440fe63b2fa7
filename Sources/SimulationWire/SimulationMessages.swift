import Circuits
import SizerCore

/// What the parent sends a simulation worker: one design at one or more corners.
public struct SimulationRequest: Codable, Sendable {
    /// Identifies the deck; the worker reloads only when it changes (or `freshLoad` is set).
    public var deckKey: String
    /// The deck to load: title, model include, netlist body.
    public var deck: [String]
    /// Parameter values already written into `deck`: after loading it, only differing points
    /// need `alterparam` + `reset`.
    public var deckParams: [ParamValue]?
    /// Check path: load each point's own `deck` from scratch instead of changing parameters.
    public var freshLoad: Bool
    public var analyses: [AnalysisSpec]
    public var measurements: [MeasurementSpec]
    /// Vectors of the `op` analysis to return (supply branch currents, node voltages).
    public var opProbes: [String]
    public var points: [SimulationPoint]
    /// The circuit's alter plan (`AlterPlan.targets`, `AlterPlan.covers`): empty when it has none.
    public var alterTargets: [String] = []
    public var alterCovers: [String] = []

    public init(deckKey: String, deck: [String], freshLoad: Bool = false, analyses: [AnalysisSpec],
                measurements: [MeasurementSpec], opProbes: [String], points: [SimulationPoint]) {
        self.deckKey = deckKey
        self.deck = deck
        self.freshLoad = freshLoad
        self.analyses = analyses
        self.measurements = measurements
        self.opProbes = opProbes
        self.points = points
    }
}

/// One corner of one design: every parameter value is explicit, so the result does not depend
/// on what the worker simulated before.
public struct SimulationPoint: Codable, Sendable {
    public var corner: Corner
    /// `.param` values (design variables, supply, process-corner parameters), applied by `alterparam`.
    public var params: [ParamValue]
    /// For `freshLoad`: the complete deck with these values written in. With `deckKey`: the
    /// expanded deck of that key, carried by the first point that has it when it is not the request's.
    public var deck: [String]?
    /// Set when the design is written into an expanded deck (`ExpandedDeck`): the key of the deck
    /// to load (the request's `deck` when the keys are equal, else the one a point carries). The
    /// deck holds the values of the first point with this key; the others are put in by `alter`.
    public var deckKey: String?
    /// The values and bins of this point under the request's alter plan; nil when it has none.
    public var alter: AlterDesign?

    public init(corner: Corner, params: [ParamValue], deck: [String]? = nil) {
        self.corner = corner
        self.params = params
        self.deck = deck
    }
}

public struct ParamValue: Codable, Sendable, Hashable {
    public var name: String
    public var value: Double
    public init(_ name: String, _ value: Double) {
        self.name = name
        self.value = value
    }
}

/// The worker's answer, one result per point.
public struct SimulationResponse: Codable, Sendable {
    public var points: [PointResult]
    /// Resident set size of the worker after the evaluation.
    public var rssBytes: Int
    /// Evaluations served by this worker process so far.
    public var served: Int

    public init(points: [PointResult], rssBytes: Int, served: Int) {
        self.points = points
        self.rssBytes = rssBytes
        self.served = served
    }
}

public struct PointResult: Codable, Sendable {
    public enum Status: String, Codable, Sendable { case ok, failed }
    /// How the worker put the design in: a deck load, `alterparam` + `reset`, or `alter`.
    public enum Preparation: String, Codable, Sendable { case load, reset, alter }
    public var status: Status
    public var preparation: Preparation?
    public var metrics: Metrics
    /// The requested `op` probe values.
    public var operatingPoint: [String: Double]
    /// Simulator error lines (or our own message) when `failed`.
    public var errors: [String]
    /// Wall time of the whole point, and of its parts: putting the design in (load or
    /// alterparam + reset) and running the analyses (the floor a faster path could reach).
    public var seconds: Double
    public var prepareSeconds: Double
    public var analysisSeconds: Double

    public init(status: Status, metrics: Metrics = [:], operatingPoint: [String: Double] = [:],
                errors: [String] = [], seconds: Double, prepareSeconds: Double = 0, analysisSeconds: Double = 0) {
        self.status = status
        self.metrics = metrics
        self.operatingPoint = operatingPoint
        self.errors = errors
        self.seconds = seconds
        self.prepareSeconds = prepareSeconds
        self.analysisSeconds = analysisSeconds
    }
}
