import Plots
import Testing

@Suite struct AxisTicksTests {
    @Test(arguments: [
        (0.186, 49.0, [0.0, 10, 20, 30, 40, 50]),
        (10.8, 50.0, [10.0, 20, 30, 40, 50]),
        (0.186, 0.569, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]),
        (-1.2, 0.9, [-1.5, -1.0, -0.5, 0.0, 0.5, 1.0]),
        (1.0, 100.0, [0.0, 20, 40, 60, 80, 100]),
    ])
    func ticksAreRoundAndCoverTheData(low: Double, high: Double, expected: [Double]) {
        // Given data from low to high, when ticks are chosen, then they are round steps covering it.
        let ticks = AxisTicks(covering: low, high)
        #expect(ticks.values == expected)
        #expect(ticks.range.lowerBound <= low && ticks.range.upperBound >= high)
    }

    @Test func labelsUseTheDigitsTheStepNeeds() {
        let ticks = AxisTicks(covering: 0.186, 0.569)
        #expect(ticks.values.map(ticks.label) == ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6"])
        let whole = AxisTicks(covering: 0.186, 49)
        #expect(whole.values.map(whole.label) == ["0", "10", "20", "30", "40", "50"])
    }

    @Test func aSingleValueGetsAnAxisAroundIt() {
        let ticks = AxisTicks(covering: 3, 3)
        #expect(ticks.range.contains(3) && ticks.values.count >= 2)
    }
}
