@testable import Agent
import Foundation
import SizerCore
import Testing

@Suite struct GaussianProcessTests {
    static func smooth(_ x: [Double]) -> Double { sin(6 * x[0]) + 2 * x[1] * x[1] }

    /// 16 Latin-hypercube points in [0, 0.5]², so that (1, 1) is far from all data.
    static func data() -> (inputs: [[Double]], outputs: [Double]) {
        var generator = SplitMix64(seed: 5)
        let inputs = LatinHypercube.sample(count: 16, dimension: 2, using: &generator).map { $0.map { $0 / 2 } }
        return (inputs, inputs.map(smooth))
    }

    @Test func interpolatesNoiseFreeDataWithSmallVarianceThere() throws {
        // Given a GP fitted to noise-free samples of a smooth function
        let (inputs, outputs) = Self.data()
        var generator = SplitMix64(seed: 1)
        let gp = try GaussianProcess.fit(inputs: inputs, outputs: outputs, using: &generator)
        let (_, scale) = GaussianProcess.standardization(of: outputs)
        // Then it reproduces the data, with little variance there and much more far away
        var largestVarianceAtData = 0.0
        for (x, y) in zip(inputs, outputs) {
            let prediction = gp.predict(x)
            #expect(abs(prediction.mean - y) < 1e-2 * scale)
            largestVarianceAtData = max(largestVarianceAtData, prediction.variance)
        }
        #expect(largestVarianceAtData < 1e-3 * scale * scale)
        let far = gp.predict([1, 1])
        #expect(far.variance > 0.1 * scale * scale)
        #expect(far.variance > 100 * largestVarianceAtData)
        // And it generalizes between the data points
        #expect(abs(gp.predict([0.25, 0.25]).mean - Self.smooth([0.25, 0.25])) < 0.1 * scale)
    }

    @Test(arguments: [UInt64(3), 4, 5])
    func likelihoodGradientMatchesFiniteDifferences(seed: UInt64) throws {
        // Given random data in 3 dimensions and random hyperparameters
        var generator = SplitMix64(seed: seed)
        let inputs = (0..<12).map { _ in generator.uniformPoint(dimension: 3) }
        let outputs = inputs.map { sin(3 * $0[0]) + $0[1] - $0[2] * $0[2] + 0.1 * generator.nextUnit() }
        let (mean, scale) = GaussianProcess.standardization(of: outputs)
        let y = outputs.map { ($0 - mean) / scale }
        let theta = [log(0.2 + generator.nextUnit()), log(0.2 + generator.nextUnit()), log(0.2 + generator.nextUnit()),
                     generator.nextUnit() - 0.5, log(1e-3 + 0.1 * generator.nextUnit())]
        func likelihood(_ theta: [Double]) throws -> Double {
            try GaussianProcess.logMarginalLikelihood(
                inputs: inputs, standardizedOutputs: y,
                hyperparameters: .init(vector: theta)).value
        }
        // When the analytic gradient is compared with central differences
        let analytic = try GaussianProcess.logMarginalLikelihood(
            inputs: inputs, standardizedOutputs: y, hyperparameters: .init(vector: theta)).gradient
        let h = 1e-5
        for i in theta.indices {
            var plus = theta, minus = theta
            plus[i] += h
            minus[i] -= h
            let numeric = (try likelihood(plus) - likelihood(minus)) / (2 * h)
            // Then they agree to finite-difference accuracy
            #expect(abs(analytic[i] - numeric) < 1e-5 * max(1, abs(numeric)), "component \(i)")
        }
    }

    @Test func lengthscalePriorGradientMatchesFiniteDifferences() {
        let config = GaussianProcess.FitConfig()
        let theta = [log(0.1), log(2.0), log(0.7), 0.3, log(1e-4)]
        let analytic = GaussianProcess.logPrior(theta, config: config)
        #expect(analytic.value < 0)
        // Only the lengthscales have a prior
        #expect(analytic.gradient[3] == 0 && analytic.gradient[4] == 0)
        let h = 1e-6
        for i in 0..<3 {
            var plus = theta, minus = theta
            plus[i] += h
            minus[i] -= h
            let numeric = (GaussianProcess.logPrior(plus, config: config).value
                - GaussianProcess.logPrior(minus, config: config).value) / (2 * h)
            #expect(abs(analytic.gradient[i] - numeric) < 1e-6)
        }
        var off = config
        off.lengthscalePriorMedian = 0
        #expect(GaussianProcess.logPrior(theta, config: off).value == 0)
    }

    @Test func fittingRaisesTheLikelihoodAboveTheDefaultStart() throws {
        let (inputs, outputs) = Self.data()
        let (mean, scale) = GaussianProcess.standardization(of: outputs)
        let y = outputs.map { ($0 - mean) / scale }
        var generator = SplitMix64(seed: 2)
        var config = GaussianProcess.FitConfig()
        config.lengthscalePriorMedian = 0  // plain maximum likelihood
        let start = GaussianProcess.startingPoints(dimension: 2, config: config, using: &generator)[0]
        let before = try GaussianProcess.logMarginalLikelihood(
            inputs: inputs, standardizedOutputs: y, hyperparameters: .init(vector: start)).value
        let gp = try GaussianProcess.fit(inputs: inputs, outputs: outputs, config: config, using: &generator)
        let after = try GaussianProcess.logMarginalLikelihood(
            inputs: inputs, standardizedOutputs: y, hyperparameters: gp.hyperparameters).value
        #expect(after > before + 1)
    }

    @Test func conditioningOnTheMeanKeepsItAndRemovesTheVariance() throws {
        let (inputs, outputs) = Self.data()
        var generator = SplitMix64(seed: 1)
        let gp = try GaussianProcess.fit(inputs: inputs, outputs: outputs, using: &generator)
        let x = [0.8, 0.7]
        let before = gp.predict(x)
        let believer = try gp.conditioned(on: x, observation: before.mean)
        let after = believer.predict(x)
        #expect(believer.count == gp.count + 1)
        #expect(abs(after.mean - before.mean) < 1e-6 * gp.outputScale)
        #expect(after.variance < 1e-3 * before.variance)
        // The data the GP already had keep their predictions
        #expect(abs(believer.predict(inputs[0]).mean - gp.predict(inputs[0]).mean) < 1e-6 * gp.outputScale)
    }
}
