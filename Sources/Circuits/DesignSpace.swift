import Foundation

/// Maps a normalized design vector in [0, 1]^d to physical values and back, and checks
/// physical values against their ranges.
public struct DesignSpace: Sendable, Hashable {
    public let variables: [CircuitSpec.Variable]

    public init(variables: [CircuitSpec.Variable]) { self.variables = variables }

    public var dimension: Int { variables.count }
    public var names: [String] { variables.map(\.name) }

    /// Physical values for a normalized vector; each coordinate is clamped to [0, 1] (infinities
    /// too, so the map stays monotone) and snapped to the variable's grid. NaN coordinates are
    /// mapped to the middle of the range.
    public func physical(_ u: [Double]) -> [String: Double] {
        var values: [String: Double] = [:]
        for (variable, coordinate) in zip(variables, u) {
            let x = coordinate.isNaN ? 0.5 : min(1, max(0, coordinate))
            values[variable.name] = Self.toPhysical(x, variable)
        }
        return values
    }

    /// The normalized vector of physical values (names missing from `values` map to their nominal).
    public func normalized(_ values: [String: Double]) -> [Double] {
        variables.map { Self.toNormalized(values[$0.name] ?? $0.nominal, $0) }
    }

    public var nominal: [String: Double] {
        Dictionary(uniqueKeysWithValues: variables.map { ($0.name, $0.nominal) })
    }

    static func toPhysical(_ x: Double, _ v: CircuitSpec.Variable) -> Double {
        var value: Double
        switch v.scale {
        case .linear: value = v.min + x * (v.max - v.min)
        case .log: value = exp(log(v.min) + x * (log(v.max) - log(v.min)))
        }
        // The nearest multiple of the grid that lies in the range (rounding alone can step outside
        // it, and clamping afterwards would leave the grid when min or max is not a multiple).
        if let grid = v.grid, let steps = gridSteps(v) {
            value = min(steps.upperBound, max(steps.lowerBound, (value / grid).rounded())) * grid
        }
        return min(v.max, max(v.min, value))
    }

    /// The multiples of the variable's grid inside [min, max], in grid steps; nil without a grid
    /// or when the grid is unusable (not a positive finite number, or no multiple in the range). A
    /// multiple within 1e-9 steps of the range counts as inside it: decimal grids such as 0.1 do not
    /// divide their bounds exactly in binary.
    static func gridSteps(_ v: CircuitSpec.Variable) -> ClosedRange<Double>? {
        guard let grid = v.grid, grid > 0, grid.isFinite else { return nil }
        let low = (v.min / grid - 1e-9).rounded(.up), high = (v.max / grid + 1e-9).rounded(.down)
        guard low.isFinite, high.isFinite, low <= high else { return nil }
        return low...high
    }

    static func toNormalized(_ value: Double, _ v: CircuitSpec.Variable) -> Double {
        guard v.max > v.min else { return 0 }
        let x: Double
        switch v.scale {
        case .linear: x = (value - v.min) / (v.max - v.min)
        case .log: x = (log(value) - log(v.min)) / (log(v.max) - log(v.min))
        }
        return min(1, max(0, x))
    }

    /// Why a set of physical values cannot be simulated, or nil if it can.
    public func invalidReason(_ values: [String: Double]) -> String? {
        let known = Set(names)
        if let unknown = values.keys.sorted().first(where: { !known.contains($0) }) {
            return "unknown variable '\(unknown)' (variables: \(names.joined(separator: ", ")))"
        }
        for v in variables {
            guard let value = values[v.name] else { return "missing value for variable '\(v.name)'" }
            guard value.isFinite else { return "\(v.name) = \(value) is not a finite number" }
            // Allow rounding noise at the edges, nothing more.
            let slack = 1e-9 * max(abs(v.min), abs(v.max))
            if value < v.min - slack || value > v.max + slack {
                return "\(v.name) = \(value) is outside [\(v.min), \(v.max)]\(v.unit.map { " \($0)" } ?? "")"
            }
        }
        return nil
    }
}
