/// Vectors copied out of the simulator, keyed by analysis and vector name ("ac.out", "op.vdd#branch").
public struct Waveforms: Codable, Sendable, Equatable {
    public struct Vector: Codable, Sendable, Equatable {
        public var real: [Double]
        /// Empty unless the vector is complex (AC).
        public var imaginary: [Double]

        public init(real: [Double], imaginary: [Double] = []) {
            self.real = real
            self.imaginary = imaginary
        }

        public var magnitude: [Double] {
            imaginary.isEmpty ? real.map(abs) : zip(real, imaginary).map { ($0 * $0 + $1 * $1).squareRoot() }
        }
    }

    public var vectors: [String: Vector]
    public init(vectors: [String: Vector] = [:]) { self.vectors = vectors }

    public static func key(_ analysis: AnalysisSpec.Kind, _ name: String) -> String { "\(analysis.rawValue).\(name)" }

    public subscript(_ analysis: AnalysisSpec.Kind, _ name: String) -> Vector? {
        get { vectors[Self.key(analysis, name)] }
        set { vectors[Self.key(analysis, name)] = newValue }
    }

    /// The scale vector of an analysis: frequency, time, or the swept value.
    public static func scaleName(_ analysis: AnalysisSpec.Kind) -> String? {
        switch analysis {
        case .ac: return "frequency"
        case .tran: return "time"
        case .dc: return "sweep"
        case .op: return nil
        }
    }
}
