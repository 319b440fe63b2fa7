import Foundation
import SizerCore

/// Measurements computed from simulator vectors. Pure functions: a value, or `nil` when the
/// measurement cannot be taken ("unmet"), never an error.
public enum Measurements {
    /// Context a measurement needs beyond the vectors.
    public struct Context: Sendable {
        public var supplyV: Double
        public init(supplyV: Double) { self.supplyV = supplyV }
    }

    public static func evaluate(_ specs: [MeasurementSpec], on waves: Waveforms, context: Context) -> Metrics {
        var metrics: Metrics = [:]
        for spec in specs {
            let value = measure(spec, waves, context)
            metrics[spec.name] = (value?.isFinite ?? false) ? value : nil
        }
        return metrics
    }

    static func measure(_ m: MeasurementSpec, _ w: Waveforms, _ context: Context) -> Double? {
        let node = m.node ?? ""
        switch m.kind {
        case .acGainDb:
            guard let (f, v) = ac(w, node) else { return nil }
            let db = v.magnitude.map(decibels)
            let value = m.atHz.map { interpolateLog(x: f, y: db, at: $0) } ?? db.first
            guard let value else { return nil }
            return (m.negate ?? false) ? -value : value
        case .acUgfHz:
            guard let (f, v) = ac(w, node) else { return nil }
            return unityGainFrequency(frequency: f, magnitude: v.magnitude)
        case .acPhaseMarginDeg:
            guard let (f, v) = ac(w, node) else { return nil }
            return phaseMargin(frequency: f, real: v.real, imaginary: v.imaginary)
        case .acBandwidthHz:
            guard let (f, v) = ac(w, node) else { return nil }
            return bandwidth(frequency: f, magnitude: v.magnitude)
        case .opPowerW:
            guard let i = w[.op, "\(m.source ?? "")#branch"]?.real.first else { return nil }
            // A source delivering power carries negative branch current (SPICE convention).
            return -i * context.supplyV
        case .opVoltageV:
            return w[.op, node]?.real.first
        case .dcOutputSwingV:
            guard let x = w[.dc, "sweep"]?.real, let y = w[.dc, node]?.real else { return nil }
            return outputSwing(sweep: x, output: y, fraction: m.fraction ?? 0.5)
        case .dcValueAt:
            guard let x = w[.dc, "sweep"]?.real, let y = w[.dc, node]?.real, let at = m.at else { return nil }
            return interpolateLinear(x: x, y: y, at: at)
        case .tranSettlingTimeS:
            guard let (t, v) = tran(w, node) else { return nil }
            return settlingTime(time: t, value: v, after: m.afterS ?? 0, tolerance: m.tolerance ?? 0.01,
                                absoluteTolerance: m.toleranceV)
        case .tranSlewRateVPerS:
            guard let (t, v) = tran(w, node) else { return nil }
            return slewRate(time: t, value: v, after: m.afterS ?? 0)
        case .tranOvershootV:
            guard let (t, v) = tran(w, node) else { return nil }
            return maxDeviation(time: t, value: v, after: m.afterS ?? 0)
        }
    }

    private static func ac(_ w: Waveforms, _ node: String) -> ([Double], Waveforms.Vector)? {
        guard let f = w[.ac, "frequency"]?.real, let v = w[.ac, node], f.count == v.real.count, f.count >= 2 else { return nil }
        return (f, v)
    }

    private static func tran(_ w: Waveforms, _ node: String) -> ([Double], [Double])? {
        guard let t = w[.tran, "time"]?.real, let v = w[.tran, node]?.real, t.count == v.count, t.count >= 2 else { return nil }
        return (t, v)
    }

    // MARK: - AC

    public static func decibels(_ magnitude: Double) -> Double { 20 * log10(max(magnitude, 1e-300)) }

    /// First frequency where the magnitude falls through 1, interpolated linearly in (log f, dB).
    public static func unityGainFrequency(frequency f: [Double], magnitude mag: [Double]) -> Double? {
        guard let first = mag.first, first > 1 else { return nil }
        for i in 1..<mag.count where mag[i] <= 1 {
            return crossing(f0: f[i - 1], d0: decibels(mag[i - 1]), f1: f[i], d1: decibels(mag[i]), level: 0)
        }
        return nil
    }

    /// First frequency where the gain is 3 dB below its low-frequency value.
    public static func bandwidth(frequency f: [Double], magnitude mag: [Double]) -> Double? {
        guard let first = mag.first, first > 0 else { return nil }
        let level = decibels(first) - 3.0103
        for i in 1..<mag.count where decibels(mag[i]) <= level {
            return crossing(f0: f[i - 1], d0: decibels(mag[i - 1]), f1: f[i], d1: decibels(mag[i]), level: level)
        }
        return nil
    }

    /// 180 degrees plus the phase lag accumulated from low frequency to the unity-gain frequency.
    /// The low-frequency phase is taken as the nearest multiple of 180 degrees, so inverting and
    /// non-inverting outputs give the same margin.
    public static func phaseMargin(frequency f: [Double], real: [Double], imaginary: [Double]) -> Double? {
        let im = imaginary.isEmpty ? Array(repeating: 0, count: real.count) : imaginary
        let magnitude = zip(real, im).map { ($0 * $0 + $1 * $1).squareRoot() }
        guard let ugf = unityGainFrequency(frequency: f, magnitude: magnitude) else { return nil }
        let phase = unwrappedPhaseDegrees(real: real, imaginary: im)
        guard let atUGF = interpolateLog(x: f, y: phase, at: ugf) else { return nil }
        let reference = (phase[0] / 180).rounded() * 180
        return 180 + (atUGF - reference)
    }

    public static func unwrappedPhaseDegrees(real: [Double], imaginary: [Double]) -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(real.count)
        var offset = 0.0
        var previous: Double?
        for (re, im) in zip(real, imaginary) {
            let raw = atan2(im, re) * 180 / .pi
            if let previous {
                let delta = raw + offset - previous
                if delta > 180 { offset -= 360 * ((delta + 180) / 360).rounded(.down) }
                if delta < -180 { offset += 360 * ((-delta + 180) / 360).rounded(.down) }
            }
            let value = raw + offset
            result.append(value)
            previous = value
        }
        return result
    }

    private static func crossing(f0: Double, d0: Double, f1: Double, d1: Double, level: Double) -> Double {
        guard d0 != d1, f0 > 0, f1 > 0 else { return f1 }
        let fraction = (d0 - level) / (d0 - d1)
        return exp(log(f0) + fraction * (log(f1) - log(f0)))
    }

    /// y at x = at, interpolated linearly in log x; nil outside the range.
    public static func interpolateLog(x: [Double], y: [Double], at: Double) -> Double? {
        guard at > 0, let lo = x.first, let hi = x.last, lo > 0, at >= lo, at <= hi else { return nil }
        return interpolate(x: x.map(log), y: y, at: log(at))
    }

    public static func interpolateLinear(x: [Double], y: [Double], at: Double) -> Double? {
        interpolate(x: x, y: y, at: at)
    }

    /// Works for increasing or decreasing x.
    private static func interpolate(x: [Double], y: [Double], at: Double) -> Double? {
        guard x.count == y.count, x.count >= 1 else { return nil }
        if x.count == 1 { return x[0] == at ? y[0] : nil }
        for i in 1..<x.count {
            let (a, b) = (x[i - 1], x[i])
            if (a <= at && at <= b) || (b <= at && at <= a) {
                if a == b { return y[i] }
                return y[i - 1] + (at - a) / (b - a) * (y[i] - y[i - 1])
            }
        }
        return nil
    }

    // MARK: - DC

    /// Output range over which the small-signal slope stays above `fraction` of its peak,
    /// taken as the contiguous region around the peak.
    public static func outputSwing(sweep x: [Double], output y: [Double], fraction: Double) -> Double? {
        guard x.count >= 3, x.count == y.count else { return nil }
        var slope: [Double] = []
        for i in 1..<x.count {
            let dx = x[i] - x[i - 1]
            slope.append(dx == 0 ? 0 : abs((y[i] - y[i - 1]) / dx))
        }
        guard let peak = slope.max(), peak > 0, let peakIndex = slope.firstIndex(of: peak) else { return nil }
        let threshold = fraction * peak
        var lo = peakIndex, hi = peakIndex
        while lo > 0 && slope[lo - 1] >= threshold { lo -= 1 }
        while hi < slope.count - 1 && slope[hi + 1] >= threshold { hi += 1 }
        let region = y[lo...(hi + 1)]
        return region.max()! - region.min()!
    }

    // MARK: - Transient

    /// Time after `after` until the value stays within the band around its final value. The band is
    /// `tolerance` times the step (final minus value at `after`), or `absoluteTolerance` volts.
    public static func settlingTime(time t: [Double], value v: [Double], after: Double, tolerance: Double,
                                    absoluteTolerance: Double?) -> Double? {
        guard let start = t.firstIndex(where: { $0 >= after }), let final = v.last else { return nil }
        let initial = v[start]
        let band = absoluteTolerance ?? tolerance * abs(final - initial)
        guard band > 0 else { return nil }
        // The last 5 % of the window must sit inside the band, or the value never settled.
        let tailStart = t[start] + 0.95 * (t[t.count - 1] - t[start])
        if zip(t, v).contains(where: { $0.0 >= tailStart && abs($0.1 - final) > band }) { return nil }
        var lastOutside: Int?
        for i in start..<v.count where abs(v[i] - final) > band { lastOutside = i }
        guard let lastOutside else { return 0 }
        // Never settled inside the simulated window.
        guard lastOutside < v.count - 1 else { return nil }
        // Interpolate the moment the band is entered for good.
        let (t0, t1, e0, e1) = (t[lastOutside], t[lastOutside + 1], abs(v[lastOutside] - final), abs(v[lastOutside + 1] - final))
        let entered = e0 == e1 ? t1 : t0 + (e0 - band) / (e0 - e1) * (t1 - t0)
        return entered - t[start]
    }

    /// Largest |dv/dt| between the 10 % and 90 % points of the step after `after`.
    public static func slewRate(time t: [Double], value v: [Double], after: Double) -> Double? {
        guard let start = t.firstIndex(where: { $0 >= after }), let final = v.last else { return nil }
        let initial = v[start]
        let step = final - initial
        guard abs(step) > 0 else { return nil }
        let progress = v.map { ($0 - initial) / step }
        guard let i10 = progress[start...].firstIndex(where: { $0 >= 0.1 }),
              let i90 = progress[i10...].firstIndex(where: { $0 >= 0.9 }) else { return nil }
        var best = 0.0
        for i in max(i10, start + 1)...max(i90, start + 1) where i < t.count {
            let dt = t[i] - t[i - 1]
            if dt > 0 { best = max(best, abs(v[i] - v[i - 1]) / dt) }
        }
        return best > 0 ? best : nil
    }

    /// Largest deviation from the final value after `after` (e.g. load-step undershoot).
    public static func maxDeviation(time t: [Double], value v: [Double], after: Double) -> Double? {
        guard let start = t.firstIndex(where: { $0 >= after }), let final = v.last else { return nil }
        return v[start...].map { abs($0 - final) }.max()
    }
}
