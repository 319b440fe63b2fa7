import Circuits
import Evaluation
import Foundation
import SizerCore
import SizerTestSupport
import Testing

/// Measurements on real ngspice runs of circuits with known analytic answers.
@Suite(.serialized) struct SimulatedMeasurementsTests {
    @Test(arguments: [(1e-3, 1e5, 1e-12), (3e-4, 2e6, 5e-12), (5e-3, 3e3, 1e-11)])
    func singlePoleAmplifierMatchesTheAnalyticAnswer(gm: Double, r: Double, c: Double) async throws {
        // Given the ideal VCCS + RC amplifier, when simulated, then gain, UGF, PM and power are the textbook values.
        let circuit = try TestPaths.circuit("single_pole")
        let pool = try await TestPaths.pool(workers: 1)
        let result = await PoolEvaluator(circuit: circuit, pool: pool)
            .evaluate([["gm": gm, "r": r, "c": c]], corners: [circuit.nominalCorner], targets: circuit.spec.defaultTargets)[0]
        await pool.shutdown()
        #expect(result.outcome == .ok)
        let a0 = gm * r
        let ugf = (a0 * a0 - 1).squareRoot() / (2 * .pi * r * c)
        let gain = try #require(result.metrics["gain_db"] ?? nil)
        let measuredUGF = try #require(result.metrics["ugf_hz"] ?? nil)
        let pm = try #require(result.metrics["phase_margin_deg"] ?? nil)
        let power = try #require(result.metrics["power_w"] ?? nil)
        #expect(abs(gain - 20 * log10(a0)) < 1e-6)
        #expect(abs(measuredUGF - ugf) / ugf < 0.005)
        #expect(abs(pm - (180 - atan(2 * .pi * ugf * r * c) * 180 / .pi)) < 0.2)
        #expect(abs(power - gm / 10) / (gm / 10) < 1e-9)
    }

    @Test func rcStepBandwidthSettlingAndSlew() async throws {
        let circuit = try TestPaths.circuit("rc_step")
        let pool = try await TestPaths.pool(workers: 1)
        let (r, c) = (1e4, 3e-11)
        let result = await PoolEvaluator(circuit: circuit, pool: pool)
            .evaluate([["r": r, "c": c]], corners: [circuit.nominalCorner], targets: circuit.spec.defaultTargets)[0]
        await pool.shutdown()
        #expect(result.outcome == .ok, "\(result.message ?? "")")
        let tau = r * c
        let bw = try #require(result.metrics["bandwidth_hz"] ?? nil)
        let settle = try #require(result.metrics["settling_time_s"] ?? nil)
        let slew = try #require(result.metrics["slew_rate_v_per_s"] ?? nil)
        #expect(abs(bw - 1 / (2 * .pi * tau)) / (1 / (2 * .pi * tau)) < 0.01)
        // Transient results depend on the time step (10 ns here vs tau = 300 ns): a few percent.
        #expect(abs(settle - tau * log(100)) / (tau * log(100)) < 0.03)
        #expect(abs(slew - 0.9 / tau) / (0.9 / tau) < 0.05)
    }
}
