import Circuits
import Foundation
import Testing

/// Measurement functions against analytic answers on synthetic vectors.
@Suite struct MeasurementsTests {
    /// H(f) = A0 / (1 + j f/fp): a single-pole amplifier.
    func singlePole(a0: Double, fp: Double, inverting: Bool = false) -> (f: [Double], re: [Double], im: [Double]) {
        var f: [Double] = [], re: [Double] = [], im: [Double] = []
        for i in 0...200 {
            let freq = pow(10, Double(i) / 20)  // 1 Hz .. 10 GHz, 20 points/decade
            let x = freq / fp
            let d = 1 + x * x
            let sign = inverting ? -1.0 : 1.0
            f.append(freq); re.append(sign * a0 / d); im.append(sign * -a0 * x / d)
        }
        return (f, re, im)
    }

    @Test(arguments: [false, true])
    func singlePoleGainUGFAndPhaseMargin(inverting: Bool) throws {
        let (f, re, im) = singlePole(a0: 1000, fp: 1e4, inverting: inverting)
        let mag = zip(re, im).map { ($0 * $0 + $1 * $1).squareRoot() }
        #expect(abs(Measurements.decibels(mag[0]) - 60) < 1e-3)
        let ugf = try #require(Measurements.unityGainFrequency(frequency: f, magnitude: mag))
        let exact = 1e4 * (1000.0 * 1000 - 1).squareRoot()
        #expect(abs(ugf - exact) / exact < 0.01)
        let pm = try #require(Measurements.phaseMargin(frequency: f, real: re, imaginary: im))
        let exactPM = 180 - atan(exact / 1e4) * 180 / .pi
        #expect(abs(pm - exactPM) < 0.5)
        let bw = try #require(Measurements.bandwidth(frequency: f, magnitude: mag))
        #expect(abs(bw - 1e4) / 1e4 < 0.02)
    }

    @Test func ugfIsUnmetWhenTheGainNeverCrossesZeroDecibels() {
        let (f, re, im) = singlePole(a0: 0.5, fp: 1e4)
        let mag = zip(re, im).map { ($0 * $0 + $1 * $1).squareRoot() }
        #expect(Measurements.unityGainFrequency(frequency: f, magnitude: mag) == nil)
        #expect(Measurements.phaseMargin(frequency: f, real: re, imaginary: im) == nil)
        // And the spec-level API reports it as nil (unmet), not an error.
        var waves = Waveforms()
        waves[.ac, "frequency"] = .init(real: f)
        waves[.ac, "out"] = .init(real: re, imaginary: im)
        let metrics = Measurements.evaluate([MeasurementSpec(name: "ugf_hz", kind: .acUgfHz, node: "out")],
                                            on: waves, context: .init(supplyV: 1))
        #expect(metrics.keys.contains("ugf_hz"))
        #expect(metrics["ugf_hz"]! == nil)
    }

    @Test func phaseUnwrapsAcrossTheBranchCut() {
        // Three poles: phase runs past -180 degrees.
        let f = (0...100).map { pow(10, Double($0) / 10) }
        var re: [Double] = [], im: [Double] = []
        for freq in f {
            var z = (1.0, 0.0)
            for _ in 0..<3 { let a = 1.0, b = freq / 100; z = (z.0 * a - z.1 * b, z.0 * b + z.1 * a) }
            let d = z.0 * z.0 + z.1 * z.1
            re.append(z.0 / d); im.append(-z.1 / d)
        }
        let phase = Measurements.unwrappedPhaseDegrees(real: re, imaginary: im)
        #expect(phase.last! < -260 && phase.last! > -271)
        for i in 1..<phase.count { #expect(phase[i] <= phase[i - 1] + 1e-9) }
    }

    @Test func rcStepSettlingAndSlewRate() throws {
        // v(t) = 1 - exp(-t/tau) after a step at t = 1 us.
        let tau = 1e-6, t0 = 1e-6
        let t = (0...20000).map { Double($0) * 1e-9 }
        let v = t.map { $0 < t0 ? 0 : 1 - exp(-($0 - t0) / tau) }
        let settle = try #require(Measurements.settlingTime(time: t, value: v, after: t0, tolerance: 0.01, absoluteTolerance: nil))
        // Band is 1 % of the step measured to the last sample (which is 1 - e^-19 ~ 1).
        #expect(abs(settle - tau * log(100)) / (tau * log(100)) < 0.01)
        let slew = try #require(Measurements.slewRate(time: t, value: v, after: t0))
        // Steepest point inside 10 %..90 % is at 10 %: 0.9 / tau.
        #expect(abs(slew - 0.9 / tau) / (0.9 / tau) < 0.01)
        let overshoot = try #require(Measurements.maxDeviation(time: t, value: v, after: t0))
        #expect(abs(overshoot - 1) < 1e-6)
    }

    @Test func neverSettlingIsUnmet() {
        let t = (0...100).map { Double($0) }
        let v = t.map { sin($0) }
        #expect(Measurements.settlingTime(time: t, value: v, after: 0, tolerance: 0.01, absoluteTolerance: nil) == nil)
    }

    @Test func dcSwingOfAClippedLinearTransfer() throws {
        // vout = clamp(0.9 + 100 * vin, 0.2, 1.6): swing is 1.4 V.
        let x = (0...400).map { -0.01 + Double($0) * 0.00005 }
        let y = x.map { min(1.6, max(0.2, 0.9 + 100 * $0)) }
        let swing = try #require(Measurements.outputSwing(sweep: x, output: y, fraction: 0.5))
        #expect(abs(swing - 1.4) < 0.01)
        #expect(abs(Measurements.interpolateLinear(x: x, y: y, at: 0.001)! - 1.0) < 1e-12)
    }
}
