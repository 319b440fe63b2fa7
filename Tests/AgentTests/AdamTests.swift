import Linalg
import Testing

@Suite struct AdamTests {
    @Test func firstStepMovesEachParameterByTheLearningRateAgainstItsGradientSign() {
        // Given: bias correction makes mHat / sqrt(vHat) = g / |g| on the first step.
        var adam = Adam(parameterCount: 3, learningRate: 0.1)
        var parameters = [1.0, -2.0, 0.5]
        // When
        adam.update(&parameters, gradient: [0.5, -3, 0])
        // Then
        #expect(abs(parameters[0] - 0.9) < 1e-6)
        #expect(abs(parameters[1] - -1.9) < 1e-6)
        #expect(parameters[2] == 0.5)
        #expect(adam.step == 1)
    }

    @Test func minimizesAnIllConditionedQuadratic() {
        var adam = Adam(parameterCount: 2, learningRate: 0.05)
        var p = [3.0, -4.0]
        for _ in 0..<2000 {
            adam.update(&p, gradient: [2 * p[0], 200 * p[1]])
        }
        #expect(abs(p[0]) < 1e-2 && abs(p[1]) < 1e-2)
    }

    @Test func clipNormScalesDownOnlyAboveTheLimit() {
        var g = [3.0, 4.0]
        let before = VectorMath.clipNorm(&g, maxNorm: 1)
        #expect(before == 5)
        #expect(abs(VectorMath.norm(g) - 1) < 1e-12)
        var small = [0.3, 0.4]
        VectorMath.clipNorm(&small, maxNorm: 1)
        #expect(small == [0.3, 0.4])
    }
}
