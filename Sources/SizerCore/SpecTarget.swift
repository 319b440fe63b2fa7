/// Which side of the target a metric must lie on.
public enum Bound: String, Codable, Sendable {
    /// metric >= target
    case lower
    /// metric <= target
    case upper
}

/// One spec: a metric, a bound, a target value and a weight in the reward.
public struct SpecTarget: Codable, Sendable, Hashable {
    public var metric: String
    public var bound: Bound
    public var target: Double
    public var weight: Double

    public init(metric: String, bound: Bound, target: Double, weight: Double = 1) {
        self.metric = metric
        self.bound = bound
        self.target = target
        self.weight = weight
    }

    /// True if `value` satisfies the spec; an unmet (`nil`) or non-finite value never does.
    public func isMet(by value: Double?) -> Bool {
        guard let value, value.isFinite else { return false }
        switch bound {
        case .lower: return value >= target
        case .upper: return value <= target
        }
    }

    /// Signed margin, positive when met, normalized by the target's magnitude.
    public func margin(of value: Double?) -> Double? {
        guard let value, value.isFinite else { return nil }
        let scale = max(abs(target), 1e-30)
        switch bound {
        case .lower: return (value - target) / scale
        case .upper: return (target - value) / scale
        }
    }
}

/// What to improve once every spec is met.
public struct FigureOfMerit: Codable, Sendable, Hashable {
    public enum Goal: String, Codable, Sendable { case minimize, maximize }
    public var metric: String
    public var goal: Goal
    /// A positive scale of the metric: the bonus is 1/2 when the metric equals it.
    public var reference: Double

    public init(metric: String, goal: Goal, reference: Double) {
        self.metric = metric
        self.goal = goal
        self.reference = reference
    }
}

/// Per-spec verdict for reports and the run log.
public struct SpecResult: Codable, Sendable, Hashable {
    public var metric: String
    public var bound: Bound
    public var target: Double
    public var value: Double?
    public var met: Bool
    public var margin: Double?

    public init(spec: SpecTarget, value: Double?) {
        metric = spec.metric
        bound = spec.bound
        target = spec.target
        self.value = value
        met = spec.isMet(by: value)
        margin = spec.margin(of: value)
    }

    /// A verdict as read back from the wire or the run log.
    public init(metric: String, bound: Bound, target: Double, value: Double?, met: Bool, margin: Double?) {
        self.metric = metric
        self.bound = bound
        self.target = target
        self.value = value
        self.met = met
        self.margin = margin
    }
}
