import Foundation
import Linalg
import Testing

@Suite struct CholeskyTests {
    // The classic hand example: A = L Lᵀ with L = [[2, 0, 0], [6, 1, 0], [-8, 5, 3]].
    let a = Matrix(rows: 3, columns: 3, values: [4, 12, -16, 12, 37, -43, -16, -43, 98])

    func multiply(_ m: Matrix, _ x: [Double]) -> [Double] {
        (0..<m.rows).map { i in (0..<m.columns).reduce(0) { $0 + m[i, $1] * x[$1] } }
    }

    @Test func factorsTheHandExample() throws {
        let cholesky = try Cholesky(a)
        #expect(cholesky.jitter == 0)
        let expected: [Double] = [2, 0, 0, 6, 1, 0, -8, 5, 3]
        for (value, want) in zip(cholesky.lower.values, expected) { #expect(abs(value - want) < 1e-12) }
        #expect(abs(cholesky.logDeterminant - log(36)) < 1e-12)
    }

    @Test func solvesAndInverts() throws {
        let cholesky = try Cholesky(a)
        let b = [1.0, -2, 3]
        let x = cholesky.solve(b)
        for (value, want) in zip(multiply(a, x), b) { #expect(abs(value - want) < 1e-9) }
        // L y = b and Lᵀ x = y, separately
        let y = cholesky.solveLower(b)
        for (value, want) in zip(multiply(cholesky.lower, y), b) { #expect(abs(value - want) < 1e-12) }

        let inverse = cholesky.inverse()
        for i in 0..<3 {
            for j in 0..<3 {
                let product = (0..<3).reduce(0) { $0 + a[i, $1] * inverse[$1, j] }
                #expect(abs(product - (i == j ? 1 : 0)) < 1e-9)
            }
        }
    }

    @Test func rejectsAnIndefiniteMatrix() {
        let indefinite = Matrix(rows: 2, columns: 2, values: [1, 2, 2, 1])
        #expect(throws: CholeskyError.self) { try Cholesky(indefinite) }
    }

    @Test func addsJitterToASingularMatrix() throws {
        // Two identical points in a kernel matrix: positive semidefinite, rank 1.
        let singular = Matrix(rows: 2, columns: 2, values: [1, 1, 1, 1])
        let cholesky = try Cholesky(singular)
        #expect(cholesky.jitter > 0 && cholesky.jitter < 1e-4)
        let l = cholesky.lower
        #expect(abs(l[1, 0] * l[1, 0] + l[1, 1] * l[1, 1] - 1 - cholesky.jitter) < 1e-12)
    }
}
