import Foundation

/// Round tick values for an axis: steps of 1, 2 or 5 times a power of ten, so an axis reads
/// 0, 10, 20, 30 rather than 0.186, 10.8, 20.6.
public struct AxisTicks: Equatable, Sendable {
    /// The axis range, widened to the ticks at either end.
    public var range: ClosedRange<Double>
    public var values: [Double]
    public var step: Double

    /// About `count` ticks covering `low...high`. A degenerate range is widened around its value.
    public init(covering low: Double, _ high: Double, count: Int = 5) {
        var (low, high) = (min(low, high), max(low, high))
        if high - low < 1e-12 * max(1, abs(low)) { (low, high) = (low - 0.5, high + 0.5) }
        let step = Self.roundStep((high - low) / Double(max(1, count)))
        let first = (low / step).rounded(.down), last = (high / step).rounded(.up)
        let values = stride(from: first, through: last + 0.5, by: 1).map { Self.clean($0 * step, step: step) }
        self.step = step
        self.values = values
        range = values[0]...values[values.count - 1]
    }

    /// The round step nearest above `raw`: 1, 2 or 5 times a power of ten.
    static func roundStep(_ raw: Double) -> Double {
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// `value` without the float noise of `k * step` (0.30000000000000004 becomes 0.3).
    static func clean(_ value: Double, step: Double) -> Double {
        let digits = max(0, -Int((log10(step)).rounded(.down)))
        let scale = pow(10, Double(min(digits, 15)))
        return (value * scale).rounded() / scale
    }

    /// A tick's label: as few digits as the step needs.
    public func label(_ value: Double) -> String {
        let digits = max(0, -Int((log10(step)).rounded(.down)))
        if abs(value) >= 1e6 || (abs(value) < 1e-3 && value != 0) { return String(format: "%.2g", value) }
        return String(format: "%.\(min(digits, 6))f", value)
    }
}
