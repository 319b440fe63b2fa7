/// Small operations on flat vectors of doubles.
public enum VectorMath {
    public static func dot(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count)
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }

    /// Euclidean norm.
    public static func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }

    /// Scales `vector` so its norm is at most `maxNorm`; returns the norm before clipping
    /// (worth logging: a norm far above the limit means the step size is fighting the clip).
    @discardableResult
    public static func clipNorm(_ vector: inout [Double], maxNorm: Double) -> Double {
        let n = norm(vector)
        if n > maxNorm, n > 0 {
            let scale = maxNorm / n
            for i in vector.indices { vector[i] *= scale }
        }
        return n
    }

    /// `y += alpha * x`.
    public static func addScaled(_ x: [Double], times alpha: Double, to y: inout [Double]) {
        precondition(x.count == y.count)
        for i in x.indices { y[i] += alpha * x[i] }
    }

    public static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    /// Population standard deviation (divides by n).
    public static func standardDeviation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        let m = mean(values)
        var sum = 0.0
        for v in values { sum += (v - m) * (v - m) }
        return (sum / Double(values.count)).squareRoot()
    }
}
