/// An environment or simulator failure that the caller turns into a typed outcome.
public struct SpiceError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The deck did not parse (bad syntax, missing model, out-of-bin geometry).
        case deckRejected
        /// An analysis reported an error (non-convergence, timestep too small, singular matrix).
        case analysisFailed
        /// A vector was missing, empty, or not finite; or the analysis produced no new plot.
        case missingResult
        /// The library called ControlledExit: this process must not call into it again.
        case poisoned
    }

    public var kind: Kind
    public var message: String
    /// The simulator's error lines, most recent last.
    public var stderrTail: [String]

    public init(kind: Kind, message: String, stderrTail: [String] = []) {
        self.kind = kind
        self.message = message
        self.stderrTail = stderrTail
    }

    public var description: String {
        ([message] + stderrTail).joined(separator: "\n")
    }
}
