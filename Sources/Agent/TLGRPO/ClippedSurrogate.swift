import Foundation
import Linalg

/// One sampled action with what the clipped update needs.
public struct PolicySample: Codable, Sendable, Hashable {
    public var features: [Double]
    /// The raw action (step), before the design was clamped.
    public var action: [Double]
    /// log pi_old(action | features) under the policy that sampled it.
    public var oldLogDensity: Double

    public init(features: [Double], action: [Double], oldLogDensity: Double) {
        self.features = features
        self.action = action
        self.oldLogDensity = oldLogDensity
    }
}

/// The PPO-style loss of a minibatch and its exact gradient:
/// `L = mean_i [ -min(rho_i A_i, clip(rho_i, 1-eps, 1+eps) A_i) + beta KL(pi||pi_ref)(h_i) - c H(pi(.|h_i)) ]`
/// with `rho_i = pi(a_i|h_i) / pi_old(a_i|h_i)`.
public struct ClippedSurrogate: Sendable {
    public var clipEpsilon: Double
    public var klCoefficient: Double
    public var entropyCoefficient: Double

    public init(clipEpsilon: Double, klCoefficient: Double, entropyCoefficient: Double) {
        self.clipEpsilon = clipEpsilon
        self.klCoefficient = klCoefficient
        self.entropyCoefficient = entropyCoefficient
    }

    /// The loss, its gradient over the policy's flat parameters, and diagnostics (batch means).
    public struct Evaluation: Sendable {
        public var loss: Double
        public var gradient: [Double]
        /// Mean of `(rho - 1) - log rho`, the low-variance estimate of KL(pi_old || pi).
        public var approxKL: Double
        /// Mean closed-form KL(pi || pi_ref).
        public var klToReference: Double
        /// Fraction of samples with `|rho - 1| > eps`.
        public var clipFraction: Double
        public var entropy: Double
    }

    /// The clipped objective of one sample (to be maximized).
    public static func clippedObjective(ratio: Double, advantage: Double, epsilon: Double) -> Double {
        min(ratio * advantage, min(max(ratio, 1 - epsilon), 1 + epsilon) * advantage)
    }

    /// `references[i]` is the frozen reference policy's distribution for `samples[i]`; it does
    /// not change during an update, so the caller computes it once.
    public func evaluate(policy: GaussianPolicy, references: [GaussianPolicy.Distribution],
                         samples: [PolicySample], advantages: [Double]) -> Evaluation {
        precondition(samples.count == advantages.count && samples.count == references.count && !samples.isEmpty)
        let n = Double(samples.count)
        var result = Evaluation(loss: 0, gradient: [Double](repeating: 0, count: policy.parameterCount),
                                approxKL: 0, klToReference: 0, clipFraction: 0, entropy: 0)
        for i in samples.indices {
            let sample = samples[i], advantage = advantages[i], piRef = references[i]
            let pi = policy.distribution(features: sample.features)

            // Clipped policy-gradient term.
            let logDensity = DiagonalGaussian.logDensity(of: sample.action, mean: pi.mean, logStd: pi.logStd)
            let ratio = exp(logDensity.value - sample.oldLogDensity)
            let objective = Self.clippedObjective(ratio: ratio, advantage: advantage, epsilon: clipEpsilon)
            // The min picks the unclipped term (gradient -A rho dlog pi) unless clipping bound it (gradient 0).
            let unclippedActive = ratio * advantage <= objective
            let dLossDLogDensity = unclippedActive ? -advantage * ratio / n : 0

            // KL to the reference and entropy bonus.
            let kl = DiagonalGaussian.klDivergence(mean: pi.mean, logStd: pi.logStd,
                                                   referenceMean: piRef.mean, referenceLogStd: piRef.logStd)
            let entropy = DiagonalGaussian.entropy(logStd: pi.logStd)
            result.loss += (-objective + klCoefficient * kl.value - entropyCoefficient * entropy.value) / n

            // Chain rule into (mean, logStd), then through the network.
            var dMean = logDensity.meanGradient.map { $0 * dLossDLogDensity }
            var dLogStd = logDensity.logStdGradient.map { $0 * dLossDLogDensity }
            VectorMath.addScaled(kl.meanGradient, times: klCoefficient / n, to: &dMean)
            VectorMath.addScaled(kl.logStdGradient, times: klCoefficient / n, to: &dLogStd)
            VectorMath.addScaled(entropy.logStdGradient, times: -entropyCoefficient / n, to: &dLogStd)
            policy.backward(pi, meanGradient: dMean, logStdGradient: dLogStd, into: &result.gradient)

            // Diagnostics (plumbing).
            result.approxKL += ((ratio - 1) - log(ratio)) / n
            result.klToReference += kl.value / n
            result.clipFraction += (abs(ratio - 1) > clipEpsilon ? 1 : 0) / n
            result.entropy += entropy.value / n
        }
        return result
    }
}
