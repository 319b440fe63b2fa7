import SizerCore
import Testing

@Suite struct RewardTests {
    let gain = SpecTarget(metric: "gain_db", bound: .lower, target: 60)
    let power = SpecTarget(metric: "power_w", bound: .upper, target: 1e-4)
    let fom = FigureOfMerit(metric: "power_w", goal: .minimize, reference: 1e-4)

    @Test func shortfallGrowsMonotonicallyAsTheMetricMovesAway() {
        // Given increasingly bad gains, when scored, then the shortfall never decreases and stays in [0, 1].
        var previous = -1.0
        for value in stride(from: 80.0, through: -40, by: -2.5) {
            let s = Reward.shortfall(gain, value: value)
            #expect(s >= previous)
            #expect((0...1).contains(s))
            previous = s
        }
        #expect(Reward.shortfall(gain, value: 60) == 0)
        #expect(Reward.shortfall(power, value: 2e-4) > Reward.shortfall(power, value: 1.5e-4))
        #expect(Reward.shortfall(power, value: 5e-5) == 0)
    }

    @Test func rewardIsMonotoneInEachShortfall() {
        let specs = [gain, power]
        let better = Reward.measured(metrics: ["gain_db": 55, "power_w": 2e-4], specs: specs, figureOfMerit: fom)
        let worseGain = Reward.measured(metrics: ["gain_db": 50, "power_w": 2e-4], specs: specs, figureOfMerit: fom)
        let worsePower = Reward.measured(metrics: ["gain_db": 55, "power_w": 3e-4], specs: specs, figureOfMerit: fom)
        #expect(worseGain < better)
        #expect(worsePower < better)
        #expect(better < 0 && better >= -1)
    }

    @Test func meetingEverySpecEarnsAtLeastOneAndLowerPowerEarnsMore() {
        let specs = [gain, power]
        let met = Reward.measured(metrics: ["gain_db": 61, "power_w": 9e-5], specs: specs, figureOfMerit: fom)
        let cheaper = Reward.measured(metrics: ["gain_db": 61, "power_w": 3e-5], specs: specs, figureOfMerit: fom)
        #expect(met >= 1 && met < 2)
        #expect(cheaper > met)
        #expect(abs(Reward.bonus(fom, metrics: ["power_w": 1e-4]) - 0.5) < 1e-12)
    }

    @Test func unmetMeasurementCountsAsTheLargestShortfall() {
        #expect(Reward.shortfall(gain, value: nil) == 1)
        #expect(Reward.shortfall(gain, value: .nan) == 1)
        let metrics: Metrics = ["gain_db": nil, "power_w": 5e-5]
        #expect(metrics.count == 2)
        let r = Reward.measured(metrics: metrics, specs: [gain, power], figureOfMerit: fom)
        #expect(r == -0.5)
    }

    @Test(arguments: [EvalOutcome.invalid, .failed, .timeout, .crashed])
    func everyFailureScoresBelowEveryMeasuredDesign(outcome: EvalOutcome) {
        let floor = Reward.of(outcome: outcome, sane: true, metrics: [:], specs: [gain], figureOfMerit: nil)
        let worstMeasured = Reward.of(outcome: .ok, sane: true, metrics: ["gain_db": -100], specs: [gain], figureOfMerit: nil)
        #expect(floor < worstMeasured)
        #expect(floor < Reward.insaneFloor)
    }

    @Test func insaneOperatingPointIsScoredAtItsFloorWhateverTheMetrics() {
        let r = Reward.of(outcome: .ok, sane: false, metrics: ["gain_db": 100], specs: [gain], figureOfMerit: nil)
        #expect(r == Reward.insaneFloor)
    }
}
