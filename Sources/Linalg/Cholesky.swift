import Foundation

/// Why a matrix could not be factored.
public struct CholeskyError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case notSquare, notPositiveDefinite }
    public var kind: Kind
    /// The largest diagonal jitter tried before giving up.
    public var jitter: Double

    public var description: String {
        switch kind {
        case .notSquare: "Cholesky: the matrix is not square"
        case .notPositiveDefinite: "Cholesky: not positive definite even with jitter \(jitter)"
        }
    }
}

/// The Cholesky factorization A + jitter·I = L Lᵀ of a symmetric positive definite matrix.
///
/// Kernel matrices are positive definite in exact arithmetic but often not in floating point
/// (nearby or repeated points), so a failed factorization is retried with a growing jitter on
/// the diagonal. Plain loops: the Gaussian processes here have at most a few hundred points.
public struct Cholesky: Sendable {
    /// L: lower triangular, row-major; the upper triangle is zero.
    public let lower: Matrix
    /// What was added to the diagonal to factor the matrix (0 if nothing was needed).
    public let jitter: Double

    public var size: Int { lower.rows }

    /// Factors `matrix`, reading only its lower triangle.
    ///
    /// Tries without jitter, then with `initialRelativeJitter` times the mean diagonal, ten
    /// times larger on each of up to `jitterRetries` retries.
    public init(_ matrix: Matrix, initialRelativeJitter: Double = 1e-10,
                jitterRetries: Int = 6) throws(CholeskyError) {
        guard matrix.rows == matrix.columns else { throw CholeskyError(kind: .notSquare, jitter: 0) }
        let n = matrix.rows
        let meanDiagonal = n == 0 ? 1 : (0..<n).reduce(0) { $0 + abs(matrix[$1, $1]) } / Double(n)
        var jitter = 0.0
        for attempt in 0...max(jitterRetries, 0) {
            if attempt > 0 {
                jitter = attempt == 1 ? initialRelativeJitter * max(meanDiagonal, .leastNormalMagnitude) : jitter * 10
            }
            if let lower = Self.factor(matrix, jitter: jitter) {
                self.lower = lower
                self.jitter = jitter
                return
            }
        }
        throw CholeskyError(kind: .notPositiveDefinite, jitter: jitter)
    }

    /// The row-oriented Cholesky-Banachiewicz recurrence; nil when a pivot is not positive.
    private static func factor(_ a: Matrix, jitter: Double) -> Matrix? {
        let n = a.rows
        var l = [Double](repeating: 0, count: n * n)
        let succeeded = l.withUnsafeMutableBufferPointer { l -> Bool in
            for i in 0..<n {
                for j in 0...i {
                    var sum = a.values[i * n + j]
                    for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                    if i == j {
                        sum += jitter
                        guard sum > 0, sum.isFinite else { return false }
                        l[i * n + i] = sum.squareRoot()
                    } else {
                        l[i * n + j] = sum / l[j * n + j]
                    }
                }
            }
            return true
        }
        return succeeded ? Matrix(rows: n, columns: n, values: l) : nil
    }

    /// y with L y = b (forward substitution).
    public func solveLower(_ b: [Double]) -> [Double] {
        let n = size
        precondition(b.count == n)
        var y = b
        lower.values.withUnsafeBufferPointer { l in
            for i in 0..<n {
                var sum = y[i]
                for k in 0..<i { sum -= l[i * n + k] * y[k] }
                y[i] = sum / l[i * n + i]
            }
        }
        return y
    }

    /// x with Lᵀ x = y (back substitution).
    public func solveUpper(_ y: [Double]) -> [Double] {
        let n = size
        precondition(y.count == n)
        var x = y
        lower.values.withUnsafeBufferPointer { l in
            for i in stride(from: n - 1, through: 0, by: -1) {
                x[i] /= l[i * n + i]
                // Column i of Lᵀ's solve is row i of L: subtract it from the rows above.
                for k in 0..<i { x[k] -= l[i * n + k] * x[i] }
            }
        }
        return x
    }

    /// x with (A + jitter·I) x = b.
    public func solve(_ b: [Double]) -> [Double] { solveUpper(solveLower(b)) }

    /// log det(A + jitter·I) = 2 Σ log Lᵢᵢ.
    public var logDeterminant: Double {
        (0..<size).reduce(0) { $0 + 2 * log(lower[$1, $1]) }
    }

    /// (A + jitter·I)⁻¹ = L⁻ᵀ L⁻¹, symmetric and stored in full.
    public func inverse() -> Matrix {
        let n = size
        // M = L⁻¹, lower triangular, one row at a time: row i = (eᵢ - Σₖ<ᵢ Lᵢₖ row k) / Lᵢᵢ.
        var m = [Double](repeating: 0, count: n * n)
        lower.values.withUnsafeBufferPointer { l in
            m.withUnsafeMutableBufferPointer { m in
                for i in 0..<n {
                    for k in 0..<i {
                        let factor = l[i * n + k]
                        for c in 0...k { m[i * n + c] -= factor * m[k * n + c] }
                    }
                    m[i * n + i] += 1
                    let pivot = l[i * n + i]
                    for c in 0...i { m[i * n + c] /= pivot }
                }
            }
        }
        // A⁻¹ = Mᵀ M: accumulate the outer product of each row of M, lower triangle only.
        var inverse = [Double](repeating: 0, count: n * n)
        m.withUnsafeBufferPointer { m in
            inverse.withUnsafeMutableBufferPointer { inv in
                for k in 0..<n {
                    for i in 0...k {
                        let mki = m[k * n + i]
                        if mki == 0 { continue }
                        for j in 0...i { inv[i * n + j] += mki * m[k * n + j] }
                    }
                }
                for i in 0..<n { for j in 0..<i { inv[j * n + i] = inv[i * n + j] } }
            }
        }
        return Matrix(rows: n, columns: n, values: inverse)
    }
}
