/// Adam (Kingma & Ba, 2015) over one flat parameter vector, with bias correction.
///
/// The state is plain data (`Codable`), so a training run can be checkpointed and resumed
/// with the optimizer moments intact.
public struct Adam: Codable, Sendable, Hashable {
    /// Step size.
    public var learningRate: Double
    /// Decay of the first-moment (mean) estimate.
    public var beta1: Double
    /// Decay of the second-moment (uncentered variance) estimate.
    public var beta2: Double
    /// Added to the root of the second moment; keeps the step finite for flat directions.
    public var epsilon: Double
    /// Updates taken so far (the bias correction depends on it).
    public private(set) var step: Int
    /// `beta1^step` and `beta2^step`, kept as running products (no `pow`, no Foundation).
    public private(set) var beta1Power: Double
    public private(set) var beta2Power: Double
    public private(set) var firstMoment: [Double]
    public private(set) var secondMoment: [Double]

    public init(parameterCount: Int, learningRate: Double = 1e-3, beta1: Double = 0.9,
                beta2: Double = 0.999, epsilon: Double = 1e-8) {
        precondition(parameterCount >= 0)
        precondition(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        step = 0
        beta1Power = 1
        beta2Power = 1
        firstMoment = [Double](repeating: 0, count: parameterCount)
        secondMoment = [Double](repeating: 0, count: parameterCount)
    }

    /// One descent step: `parameters -= lr * mHat / (sqrt(vHat) + eps)`.
    public mutating func update(_ parameters: inout [Double], gradient: [Double]) {
        precondition(parameters.count == firstMoment.count && gradient.count == firstMoment.count,
                     "Adam over \(firstMoment.count) parameters got \(parameters.count) / \(gradient.count)")
        step += 1
        let b1 = beta1, b2 = beta2, eps = epsilon
        // Fold both bias corrections into the step size, as the paper's efficient form does.
        beta1Power *= b1
        beta2Power *= b2
        let correction1 = 1 - beta1Power
        let correction2 = 1 - beta2Power
        let stepSize = learningRate / correction1
        let rootCorrection2 = correction2.squareRoot()
        firstMoment.withUnsafeMutableBufferPointer { m in
            secondMoment.withUnsafeMutableBufferPointer { v in
                parameters.withUnsafeMutableBufferPointer { p in
                    gradient.withUnsafeBufferPointer { g in
                        for i in 0..<p.count {
                            m[i] = b1 * m[i] + (1 - b1) * g[i]
                            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                            p[i] -= stepSize * m[i] / (v[i].squareRoot() / rootCorrection2 + eps)
                        }
                    }
                }
            }
        }
    }
}
