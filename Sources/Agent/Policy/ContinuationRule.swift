/// Which candidate of a turn carries the history forward: the one the features show as the
/// turn's representative and the one that can become the best-so-far (the base of the next step).
///
/// Every candidate is still evaluated, logged and counted; the rule only decides what the policy
/// remembers. A turn with one candidate (trajectory-level rollouts) has that candidate under
/// either rule.
public enum ContinuationRule: String, Codable, Sendable, CaseIterable {
    /// The highest-reward candidate of the turn (ties: the earliest). The history climbs;
    /// at inference nothing found is thrown away.
    case bestOfGroup
    /// The first candidate of the turn: an unselected draw from pi(.|h_t), so the history is one
    /// on-policy trajectory, as in trajectory-level rollouts.
    case onPolicySample

    /// The representative of one turn's candidates.
    public func representative(of candidates: [Candidate]) -> Candidate? {
        switch self {
        case .onPolicySample:
            return candidates.first
        case .bestOfGroup:
            var best: Candidate?
            for candidate in candidates where best == nil || candidate.reward > best!.reward {
                best = candidate
            }
            return best
        }
    }
}
