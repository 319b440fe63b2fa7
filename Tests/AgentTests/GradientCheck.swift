/// Central finite differences of `f` at `x`, one coordinate at a time.
func centralDifferences(_ x: [Double], step: Double = 1e-6, _ f: ([Double]) -> Double) -> [Double] {
    var gradient = [Double](repeating: 0, count: x.count)
    var probe = x
    for i in x.indices {
        probe[i] = x[i] + step
        let up = f(probe)
        probe[i] = x[i] - step
        let down = f(probe)
        probe[i] = x[i]
        gradient[i] = (up - down) / (2 * step)
    }
    return gradient
}

/// Largest `|a - b| / max(1, |b|)`.
func maxRelativeError(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
}
