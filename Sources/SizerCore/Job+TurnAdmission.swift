/// Why a turn cannot be committed to a job: the one place where turn order and budget are
/// checked, by the daemon before simulating and by the run log again inside the commit.
public enum TurnRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    case outOfOrder(job: Int64, expected: Int, sent: Int)
    case overBudget(job: Int64, left: Int, budget: Int, sent: Int)

    public var description: String {
        switch self {
        case .outOfOrder(let job, let expected, let sent):
            "job \(job) expects turn \(expected), not \(sent)"
        case .overBudget(let job, let left, let budget, let sent):
            "job \(job) has \(left) of \(budget) simulations left; \(sent) candidates sent"
        }
    }
}

extension Job {
    /// Nil if turn `turn` with `candidates` designs may be committed next, else why not.
    public func refusal(turn: Int, candidates: Int) -> TurnRefusal? {
        if turn != turns { return .outOfOrder(job: id, expected: turns, sent: turn) }
        if simulationsUsed + candidates > budget {
            return .overBudget(job: id, left: budget - simulationsUsed, budget: budget, sent: candidates)
        }
        return nil
    }
}
