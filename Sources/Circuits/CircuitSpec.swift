import SizerCore

/// A spec file (`specs/NAME.json`), as documented in docs/spec-format.md.
public struct CircuitSpec: Codable, Sendable, Hashable {
    public var name: String
    public var description: String?
    /// Netlist template file, relative to the `netlists/` folder beside the spec's folder, or absolute.
    public var netlist: String
    /// `sky130` or `builtin`.
    public var models: String
    public var corner: String?
    public var temperatureC: Double?
    public var supply: Supply
    public var variables: [Variable]
    public var fixed: [String: Double]?
    public var analyses: [AnalysisSpec]
    public var measurements: [MeasurementSpec]
    public var specs: [SpecEntry]
    public var figureOfMerit: FigureOfMerit?
    public var sanity: SanitySpec?
    public var splits: Splits?
    public var corners: CornerGrid?
    /// Per-evaluation deadline in seconds (default 20).
    public var timeoutS: Double?

    public struct Supply: Codable, Sendable, Hashable {
        /// The `.param` holding the supply voltage.
        public var param: String
        public var nominal: Double
        /// The voltage source whose branch current is the supply current.
        public var source: String
    }

    public enum Scale: String, Codable, Sendable { case linear, log }

    public struct Variable: Codable, Sendable, Hashable {
        public var name: String
        public var unit: String?
        public var min: Double
        public var max: Double
        public var scale: Scale
        public var nominal: Double
        public var grid: Double?

        public init(name: String, unit: String?, min: Double, max: Double, scale: Scale, nominal: Double, grid: Double?) {
            self.name = name
            self.unit = unit
            self.min = min
            self.max = max
            self.scale = scale
            self.nominal = nominal
            self.grid = grid
        }
    }

    public struct SpecEntry: Codable, Sendable, Hashable {
        public var metric: String
        public var bound: Bound
        public var target: Double
        public var weight: Double?
        /// Range from which training and test targets are drawn.
        public var range: [Double]?

        public var specTarget: SpecTarget { SpecTarget(metric: metric, bound: bound, target: target, weight: weight ?? 1) }
    }

    public struct SanitySpec: Codable, Sendable, Hashable {
        public var maxSupplyCurrentA: Double?
        public var nodeRanges: [String: [Double]]?
    }

    public struct Splits: Codable, Sendable, Hashable {
        public var seed: UInt64
        public var train: Int
        public var test: Int
    }

    public struct CornerGrid: Codable, Sendable, Hashable {
        public var process: [String]
        public var temperatureC: [Double]
        public var supplyV: [Double]
    }

    /// The default spec targets.
    public var defaultTargets: [SpecTarget] { specs.map(\.specTarget) }
}

/// One analysis, run in order. Structured so no text from a spec reaches ngspice unchecked.
public struct AnalysisSpec: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable { case op, ac, dc, tran }
    public var type: Kind
    public var pointsPerDecade: Int?
    public var startHz: Double?
    public var stopHz: Double?
    public var source: String?
    public var start: Double?
    public var stop: Double?
    public var step: Double?
    public var stepS: Double?
    public var stopS: Double?
    public var startS: Double?
    public var maxStepS: Double?

    public init(type: Kind) { self.type = type }
}

/// One measurement computed by Sizer from simulator vectors.
public struct MeasurementSpec: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case acGainDb = "ac_gain_db"
        case acUgfHz = "ac_ugf_hz"
        case acPhaseMarginDeg = "ac_phase_margin_deg"
        case acBandwidthHz = "ac_bandwidth_hz"
        case opPowerW = "op_power_w"
        case opVoltageV = "op_voltage_v"
        case dcOutputSwingV = "dc_output_swing_v"
        case dcValueAt = "dc_value_at"
        case tranSettlingTimeS = "tran_settling_time_s"
        case tranSlewRateVPerS = "tran_slew_rate_v_per_s"
        case tranOvershootV = "tran_overshoot_v"

        /// The analysis whose vectors the measurement reads.
        public var analysis: AnalysisSpec.Kind {
            switch self {
            case .acGainDb, .acUgfHz, .acPhaseMarginDeg, .acBandwidthHz: return .ac
            case .opPowerW, .opVoltageV: return .op
            case .dcOutputSwingV, .dcValueAt: return .dc
            case .tranSettlingTimeS, .tranSlewRateVPerS, .tranOvershootV: return .tran
            }
        }
    }

    public var name: String
    public var kind: Kind
    public var node: String?
    public var source: String?
    public var atHz: Double?
    public var negate: Bool?
    public var fraction: Double?
    public var tolerance: Double?
    public var toleranceV: Double?
    public var afterS: Double?
    public var at: Double?

    public init(name: String, kind: Kind, node: String? = nil) {
        self.name = name
        self.kind = kind
        self.node = node
    }
}
