/// Dense kernels over raw buffers, for networks whose weights live in one flat parameter vector
/// (so Adam and checkpoints see a single `[Double]`). Weights are row-major `rows x columns`.
///
/// Plain loops over one sample at a time; the buffers keep debug builds from paying a bounds
/// check per multiply-add.
public enum DenseKernels {
    /// `output = weights * input + bias`.
    @inlinable
    public static func affine(weights: UnsafeBufferPointer<Double>, bias: UnsafeBufferPointer<Double>,
                              input: UnsafeBufferPointer<Double>, output: UnsafeMutableBufferPointer<Double>) {
        let rows = output.count, columns = input.count
        precondition(weights.count == rows * columns && bias.count == rows)
        // Four partial sums: a single running sum is bound by the add latency (strict FP order
        // forbids the compiler from splitting it); four independent chains run ~3x faster.
        let blocked = columns & ~3
        for r in 0..<rows {
            let base = r * columns
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            var c = 0
            while c < blocked {
                s0 += weights[base + c] * input[c]
                s1 += weights[base + c + 1] * input[c + 1]
                s2 += weights[base + c + 2] * input[c + 2]
                s3 += weights[base + c + 3] * input[c + 3]
                c += 4
            }
            while c < columns {
                s0 += weights[base + c] * input[c]
                c += 1
            }
            output[r] = bias[r] + ((s0 + s1) + (s2 + s3))
        }
    }

    /// `inputGradient = weights^T * outputGradient` (the gradient flowing back through `affine`).
    @inlinable
    public static func transposedProduct(weights: UnsafeBufferPointer<Double>,
                                         outputGradient: UnsafeBufferPointer<Double>,
                                         inputGradient: UnsafeMutableBufferPointer<Double>) {
        let rows = outputGradient.count, columns = inputGradient.count
        precondition(weights.count == rows * columns)
        for c in 0..<columns { inputGradient[c] = 0 }
        guard columns > 0, let y = inputGradient.baseAddress, let w = weights.baseAddress else { return }
        for r in 0..<rows where outputGradient[r] != 0 {
            axpy(outputGradient[r], w + r &* columns, y, columns)
        }
    }

    /// `weightGradient += outputGradient * input^T`, `biasGradient += outputGradient`.
    @inlinable
    public static func accumulateOuterProduct(outputGradient: UnsafeBufferPointer<Double>,
                                              input: UnsafeBufferPointer<Double>,
                                              weightGradient: UnsafeMutableBufferPointer<Double>,
                                              biasGradient: UnsafeMutableBufferPointer<Double>) {
        let rows = outputGradient.count, columns = input.count
        precondition(weightGradient.count == rows * columns && biasGradient.count == rows)
        guard let x = input.baseAddress, let w = weightGradient.baseAddress else { return }
        for r in 0..<rows {
            let g = outputGradient[r]
            biasGradient[r] += g
            if g == 0 { continue }
            axpy(g, x, w + r &* columns, columns)
        }
    }

    /// `y[0..<n] += a * x[0..<n]`, four lanes at a time with all loads before the stores:
    /// the compiler cannot rule out that `x` and `y` overlap, so a plain loop waits on each store.
    @inlinable
    static func axpy(_ a: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        var c = 0
        while c &+ 4 <= n {
            let y0 = y[c] + a * x[c], y1 = y[c &+ 1] + a * x[c &+ 1]
            let y2 = y[c &+ 2] + a * x[c &+ 2], y3 = y[c &+ 3] + a * x[c &+ 3]
            y[c] = y0; y[c &+ 1] = y1; y[c &+ 2] = y2; y[c &+ 3] = y3
            c &+= 4
        }
        while c < n {
            y[c] += a * x[c]
            c &+= 1
        }
    }
}
